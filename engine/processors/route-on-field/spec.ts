import { z } from 'zod';
import { defineProcessor, jsonataString } from '../../sdk';

const routeName = /^[A-Za-z][\w-]{0,40}$/;
const reserved = ['unmatched', 'failure'];

export const routeOnFieldSpec = defineProcessor({
  type: 'RouteOnField',
  version: 1,
  category: 'Routing',
  summary: 'Routes each record to the named relationships whose JSONata predicate is true.',
  input: 'required',
  pure: true,
  properties: z.object({
    routes: z
      .record(z.string(), jsonataString('a predicate is required'))
      .default({})
      .meta({
        label: 'Routes',
        description: 'Relationship name → JSONata predicate on the record content, e.g. big → qty * price > 100.',
        expression: 'jsonata',
        order: 1,
      }),
    strategy: z
      .enum(['first', 'all'])
      .default('first')
      .meta({
        label: 'Matching',
        description: 'first: the first route that matches; all: every matching route (the record is cloned).',
        order: 2,
      }),
  }),
  relationships: [
    { name: 'unmatched', description: 'Records no route matched.' },
    { name: 'failure', description: 'Records a predicate failed on (reason in attribute error.message).' },
  ],
  dynamic: true,
  dynamicRelationships: (props) => Object.keys(props.routes),
  validate: (props) => {
    const issues = [];
    if (Object.keys(props.routes).length === 0) issues.push({ property: 'routes', message: 'add at least one route' });
    for (const name of Object.keys(props.routes)) {
      if (!routeName.test(name)) issues.push({ property: 'routes', message: `route name "${name}" must be a word` });
      if (reserved.includes(name)) issues.push({ property: 'routes', message: `route name "${name}" is reserved` });
    }
    return issues;
  },
});
