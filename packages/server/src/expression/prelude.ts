// JavaScript that runs once inside each fresh QuickJS context, before any expression. It returns the
// runners the host calls for every evaluation, then hardens the context so that no evaluation can leave
// anything behind for the next one:
// - every object reachable from the global object, and the intrinsics that are reachable only from
//   instances (generator, iterator and %ThrowTypeError% prototypes), is frozen, so
//   `Object.prototype.x = 1` or `Math.max = …` are silently ignored (sloppy mode) or throw;
// - the record is parsed afresh from JSON for every evaluation, so `fields.x = 1` or `company = 'x'`
//   only change that evaluation's copy;
// - names resolve through a fresh scope object per evaluation: the record's fields, then the five
//   special names on top, then the globals; any other name reads as `undefined` instead of throwing,
//   because profiles differ in which fields they have. The host sends either the whole record (`run`) or,
//   when it knows which names the expression can look up (analysis.ts), just those names' values as the
//   scope itself (`runScope`): a name left out then resolves exactly as a field the record lacks, and no
//   expression can tell, since it cannot look up a name it does not contain.
// Indirect `eval('var x')` cannot add globals (the global object is frozen) and `let` inside eval code
// stays local to that eval, so the global scope cannot carry state between evaluations either.
//
// A runner returns 1 (matched), 0 (not matched) or -1 (threw; the description is left in
// `state.errorMessage`), so the host reads a number instead of inspecting an arbitrary value. Errors are
// described inside the sandbox, under the evaluation's deadline, because describing one may run the
// expression's own code (a getter on `message`, a `toString`).

export const sandboxPreludeSource = String.raw`(() => {
  'use strict';
  const { assign, create, freeze, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf } = Object;
  const { ownKeys } = Reflect;
  const parse = JSON.parse;
  const ErrorConstructor = Error;
  const toText = String;
  const global = globalThis;
  const longestErrorMessage = 1000;

  const missingNames = new Proxy(freeze(create(null)), freeze({
    has: (target, name) => typeof name === 'string' && !(name in global),
    get: () => undefined,
  }));

  function scopeFor(recordJson) {
    const record = parse(recordJson);
    const scope = assign(create(null), record.fields);
    scope.fields = record.fields;
    scope.previous = record.previous;
    scope.action = record.action;
    scope.type = record.type;
    scope.interests = record.interests;
    return setPrototypeOf(scope, missingNames);
  }

  function describe(error) {
    try {
      const text = error instanceof ErrorConstructor
        ? toText(error.name) + ': ' + toText(error.message)
        : 'Uncaught ' + toText(error);
      return text.length > longestErrorMessage ? text.slice(0, longestErrorMessage) + '…' : text;
    } catch {
      return 'Error: the expression threw a value that cannot be described';
    }
  }

  const state = { errorMessage: '' };

  function run(compiled, recordJson) {
    try {
      return compiled(scopeFor(recordJson)) ? 1 : 0;
    } catch (error) {
      state.errorMessage = describe(error);
      return -1;
    }
  }

  function runScope(compiled, scopeJson) {
    try {
      return compiled(setPrototypeOf(parse(scopeJson), missingNames)) ? 1 : 0;
    } catch (error) {
      state.errorMessage = describe(error);
      return -1;
    }
  }

  const intrinsicsOnlyReachableFromInstances = [
    () => function* () {},
    () => (function* () {})(),
    () => async function () {},
    () => async function* () {},
    () => [][Symbol.iterator](),
    () => new Map()[Symbol.iterator](),
    () => new Set()[Symbol.iterator](),
    () => ''[Symbol.iterator](),
    () => /./[Symbol.matchAll](''),
    () => [].values().map((value) => value),
    () => Iterator.from({ next() { return { done: true }; } }),
    () => Iterator.concat(),
    () => (function () { return arguments; })(),
    () => getOwnPropertyDescriptor((function () { 'use strict'; return arguments; })(), 'callee').get,
  ];

  function hardenEverythingReachableFrom(roots) {
    const pending = [...roots];
    const visited = new WeakSet();
    while (pending.length > 0) {
      const value = pending.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
      if (visited.has(value)) continue;
      visited.add(value);
      freeze(value);
      pending.push(getPrototypeOf(value));
      for (const key of ownKeys(value)) {
        const descriptor = getOwnPropertyDescriptor(value, key);
        if ('value' in descriptor) pending.push(descriptor.value);
        else pending.push(descriptor.get, descriptor.set);
      }
    }
  }

  const roots = [global];
  for (const make of intrinsicsOnlyReachableFromInstances) {
    try {
      roots.push(make());
    } catch {
      // This QuickJS build lacks that intrinsic, so there is nothing of it to harden.
    }
  }
  hardenEverythingReachableFrom(roots);

  return { run, runScope, state };
})()`;
