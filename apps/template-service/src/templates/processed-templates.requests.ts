import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  declaredTemplateName,
  MAX_PROCESSED_TEMPLATE_BYTES,
  MAX_TEMPLATE_NESTING_DEPTH,
  ProcessTemplateCommand,
  Statuses,
  StatusError,
  TemplateRequests,
} from '@imagestreams/contracts';
import { processTemplate, stringifyJson, type JsonValue, type Template } from '@imagestreams/domain-template';
import { OnRequest, RawJson } from '@imagestreams/platform-messaging';
import { processedSizeBound } from './processed-size';
import { incomingTemplate } from './template-body';
import { invalidTemplate } from './template-status';

/**
 * `processedtemplates`: OpenShift's pure function (reference §3). The template in the request is
 * validated and processed; nothing is read or stored. Every parameter or object problem is one
 * 422 Invalid with a cause each.
 */
@Controller()
export class ProcessedTemplatesRequests {
  /**
   * Answered as JSON text: a `${{NAME}}` value can be an integer beyond 2^53, which the processor
   * keeps exact as a bigint and which JSON.stringify would refuse.
   */
  @OnRequest(TemplateRequests.process)
  process(@Payload() command: ProcessTemplateCommand): RawJson {
    const template = incomingTemplate(command.template, command.namespace);
    const parameterValues = suppliedValues(command.parameterValues);
    const bound = processedSizeBound(template, parameterValues);
    if (bound > MAX_PROCESSED_TEMPLATE_BYTES) throw new StatusError(tooLarge(`could reach ${bound} bytes`));

    const result = processTemplate(template as Template, { parameterValues, ignoreUnknownParameters: command.ignoreUnknownParameters ?? false, namespace: command.namespace });
    if (result.errors) throw invalidTemplate(declaredTemplateName(template), result.errors);
    const json = stringifyJson(result.template as unknown as JsonValue, MAX_TEMPLATE_NESTING_DEPTH);
    if (Buffer.byteLength(json) > MAX_PROCESSED_TEMPLATE_BYTES) throw new StatusError(tooLarge(`is ${Buffer.byteLength(json)} bytes`));
    return new RawJson(json);
  }
}

function suppliedValues(values: Record<string, unknown> | undefined): Record<string, string> {
  const supplied: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value !== 'string') throw new StatusError(Statuses.badRequest(`the value of parameter ${JSON.stringify(name)} must be a string`));
    supplied[name] = value;
  }
  return supplied;
}

function tooLarge(size: string): ReturnType<typeof Statuses.tooLarge> {
  return Statuses.tooLarge(`the processed template ${size} of JSON, more than the ${MAX_PROCESSED_TEMPLATE_BYTES} it may have`);
}
