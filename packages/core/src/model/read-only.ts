/**
 * Deep read-only views for read-only experiments and tests: Python's freeze is
 * shallow (W23); here any in-place change throws {@link ReadOnlyError}.
 */
import { ReadOnlyError } from "../errors.js";

const views = new WeakMap<object, object>();

/** A view of `value` whose every property assignment or deletion throws ReadOnlyError. */
export function readOnlyView<T>(value: T, what: string): T {
  if (typeof value !== "object" || value === null || value instanceof Date) return value;
  const cached = views.get(value);
  if (cached) return cached as T;
  const refuse = (): never => {
    throw new ReadOnlyError(`${what} is read-only. Open the project in mode "w+" to edit existing experiments.`);
  };
  const view = new Proxy(value, {
    get: (target, prop, receiver) => {
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" && Array.isArray(target) && MUTATORS.has(prop) ? refuse : readOnlyView(v, what);
    },
    set: refuse,
    deleteProperty: refuse,
    defineProperty: refuse,
    setPrototypeOf: refuse,
  });
  views.set(value, view);
  return view;
}

const MUTATORS = new Set<string | symbol>(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);
