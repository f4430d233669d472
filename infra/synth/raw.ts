/** What one synth process records: every registration, provider call and RPC, and every error. */
export interface RawResource {
  urn: string;
  /** The provider's id (a component's is empty). */
  id: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** A component's registered outputs. */
  outputs?: Record<string, any>;
  protect?: boolean;
  retainOnDelete?: boolean;
  dependencies: string[];
}

export interface RawSynth {
  stage: string;
  dev: boolean;
  app: Record<string, any>;
  resources: RawResource[];
  calls: { token: string; inputs: Record<string, any>; mocked: boolean }[];
  rpc: { method: string; params: unknown; answered: boolean }[];
  outputs: Record<string, unknown>;
  errors: string[];
}
