import type { KubeObject, ObjectList, ResourceType } from '../../../controller/runtime/kube-client.js';
import type { ListWatchClient } from '../../../controller/runtime/reflector.js';

/** One watch the code under test opened; the test drives it. */
export interface ScriptedWatch {
  resourceVersion: string;
  onEvent: (type: string, object: unknown) => void;
  onDone: (error: unknown) => void;
  aborted: boolean;
}

/** A list/watch client whose answers the test scripts: lists return `objects`, watches wait for the test. */
export class ScriptedListWatchClient implements ListWatchClient {
  objects: KubeObject[] = [];
  listResourceVersion = '10';
  listCalls = 0;
  watches: ScriptedWatch[] = [];
  failNextWatch: Error | undefined;

  async list<T extends KubeObject>(): Promise<ObjectList<T>> {
    this.listCalls++;
    return { items: this.objects as T[], resourceVersion: this.listResourceVersion };
  }

  async watch(
    _resource: ResourceType,
    _namespace: string | undefined,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<AbortController> {
    if (this.failNextWatch) {
      const error = this.failNextWatch;
      this.failNextWatch = undefined;
      throw error;
    }
    const controller = new AbortController();
    const watch: ScriptedWatch = {
      resourceVersion: String(query.resourceVersion),
      onEvent,
      onDone,
      aborted: false,
    };
    controller.signal.addEventListener('abort', () => (watch.aborted = true));
    this.watches.push(watch);
    return controller;
  }

  get current(): ScriptedWatch {
    return this.watches[this.watches.length - 1];
  }
}
