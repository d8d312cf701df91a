export { matchesLabels, parseLabelSelector, type LabelSelector, type LabelSelectorOperator, type LabelSelectorRequirement, type ParseLabelSelectorResult } from './label-selector';
