/**
 * Naming rules shared by the domain model: slugs as lazyscribe computes them in Python.
 *
 * @packageDocumentation
 */
export { slugify } from "./slugify.js";
