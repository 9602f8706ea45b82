/**
 * A file-name test from the GetFile pattern: a regular expression between slashes, else a glob
 * (* any run of characters, ? one, [abc] / [!abc] a class, {a,b} alternatives).
 */
export function namePattern(pattern: string): (name: string) => boolean {
  const regex = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  const compiled = regex ? new RegExp(regex[1], regex[2]) : globToRegExp(pattern);
  return (name) => compiled.test(name);
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '{') {
      braces++;
      source += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (c === ',' && braces > 0) source += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        const body = glob.slice(i + 1, close);
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
