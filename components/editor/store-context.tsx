'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createEditorStore, type EditorActions, type EditorState, type EditorStore } from './store';

/**
 * One store per editor instance, handed down through context (not a module singleton), so two
 * editors never share state and a flow switch starts from a clean store.
 */
const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ flowId, children }: { flowId: string; children: ReactNode }) {
  const [store] = useState(() => createEditorStore(flowId));
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStoreApi: no EditorStoreProvider above this component');
  return store;
}

/**
 * Select from the editor store. The selector must return a stored reference or a primitive: a new
 * object on every call would re-render forever.
 */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector);
}

/** The actions never change identity, so components using only actions never re-render. */
export function useEditorActions(): EditorActions {
  return useEditor((s) => s.actions);
}
