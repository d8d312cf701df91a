export { matchesLabels, parseLabelSelector, type LabelSelector, type LabelSelectorOperator, type LabelSelectorRequirement, type ParseLabelSelectorResult } from './label-selector';
export { ANNOTATIONS_MAX_BYTES, annotationsProblems, labelKeyProblem, labelsProblems, labelValueProblem, METADATA_MAP_RULES, stringMapProblems } from './label-syntax';
