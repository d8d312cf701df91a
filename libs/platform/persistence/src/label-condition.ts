/**
 * One requirement of a Kubernetes label selector. The same shape as domain-labels'
 * `LabelSelectorRequirement`, declared here because platform code may not import domain libs;
 * TypeScript's structural typing lets a parsed selector's requirements be passed as they are.
 */
export interface LabelRequirement {
  key: string;
  operator: 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'doesNotExist';
  values: readonly string[];
}

/**
 * One label requirement as SQL over a `labels` jsonb column (a string map), so a list filters in
 * the query and its pages stay full. Keys and values are always bound through `param`, which adds
 * a query parameter and answers its placeholder (`$n`).
 */
export function labelCondition(requirement: LabelRequirement, param: (value: unknown) => string): string {
  const key = param(requirement.key);
  switch (requirement.operator) {
    case 'equals':
      return `labels ->> ${key} = ${param(requirement.values[0])}`;
    case 'notEquals':
      return `labels ->> ${key} IS DISTINCT FROM ${param(requirement.values[0])}`;
    case 'in':
      return `labels ->> ${key} = ANY(${param(requirement.values)}::text[])`;
    case 'notIn':
      return `NOT coalesce(labels ->> ${key} = ANY(${param(requirement.values)}::text[]), false)`;
    case 'exists':
      return `labels ? ${key}`;
    case 'doesNotExist':
      return `NOT labels ? ${key}`;
  }
}
