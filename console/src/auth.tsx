import { createContext, useContext } from 'react';
import type { Principal } from './types';

export interface Auth {
  principal: Principal;
  signOut: () => Promise<void>;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside the signed-in console');
  return a;
}
