/** The registry of projects for cross-project dependencies (Python's `lazyscribe.registry`). */
import { NotFoundError } from "../errors.js";
import type { Project } from "./project.js";

/** Named projects that dependency strings can refer to as `key|slug`. */
export class Registry {
  readonly #projects = new Map<string, Project>();

  /** The registered projects by key, in insertion order. */
  get projects(): ReadonlyMap<string, Project> {
    return this.#projects;
  }

  /** Registers a project under a key, replacing any project already there. */
  addProject(key: string, project: Project): void {
    this.#projects.set(key, project);
  }

  /** The first key whose project lives at `path` (same protocol and normalised key), or `undefined`. */
  search(path: string, protocol = "file"): string | undefined {
    for (const [key, project] of this.#projects) {
      if (project.path === path && project.protocol === protocol) return key;
    }
    return undefined;
  }

  /**
   * The project registered under `key`.
   *
   * @throws NotFoundError naming the key.
   */
  get(key: string): Project {
    const project = this.#projects.get(key);
    if (!project)
      throw new NotFoundError(`No project is registered under "${key}". Register it with registry.addProject("${key}", project).`);
    return project;
  }

  /** True when a project is registered under `key`. */
  has(key: string): boolean {
    return this.#projects.has(key);
  }

  /** Removes every project. */
  clear(): void {
    this.#projects.clear();
  }
}

/** The process-wide registry used when a project is opened without its own. */
export const registry = new Registry();
