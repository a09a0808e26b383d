/**
 * Run an Argo CD Lua health check (the body of the function Argo CD calls, with the resource as the global `obj`)
 * in a Lua VM (fengari, Lua 5.3; Argo CD runs gopher-lua, Lua 5.1: the checks use only what both have).
 */

/** The parts of fengari's API used here. */
interface Fengari {
  readonly lua: {
    lua_pcall(L: unknown, nargs: number, nresults: number, msgh: number): number;
    lua_tojsstring(L: unknown, index: number): string | null;
    readonly LUA_OK: number;
  };
  readonly lauxlib: {
    luaL_newstate(): unknown;
    luaL_loadstring(L: unknown, code: Uint8Array): number;
  };
  readonly lualib: { luaL_openlibs(L: unknown): void };
  to_luastring(text: string): Uint8Array;
}

const fengari = require('fengari') as Fengari;

/** A JSON value as a Lua table constructor (null becomes nil: absent, as Argo CD converts it). */
function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{ ${value.map(luaLiteral).join(', ')} }`;
  return `{ ${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `[${JSON.stringify(k)}] = ${luaLiteral(v)}`).join(', ')} }`;
}

/** The health `check` reports for `obj`: its status and message. */
export function runHealthCheck(check: string, obj: unknown): { status: string; message: string | null } {
  const L = fengari.lauxlib.luaL_newstate();
  fengari.lualib.luaL_openlibs(L);
  const code = `obj = ${luaLiteral(obj)}\nlocal function check()\n${check}\nend\nlocal result = check()\nreturn result.status, result.message\n`;
  if (fengari.lauxlib.luaL_loadstring(L, fengari.to_luastring(code)) !== fengari.lua.LUA_OK || fengari.lua.lua_pcall(L, 0, 2, 0) !== fengari.lua.LUA_OK) {
    throw new Error(`Lua error: ${fengari.lua.lua_tojsstring(L, -1) ?? ''}`);
  }
  return { status: fengari.lua.lua_tojsstring(L, -2) ?? '', message: fengari.lua.lua_tojsstring(L, -1) };
}
