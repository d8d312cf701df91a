import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  accessReviewSpecProblems,
  AUTHORIZATION_API_VERSION,
  SelfSubjectAccessReviewInput,
  SelfSubjectAccessReviewResource,
  Statuses,
  StatusError,
  type NonResourceAttributes,
  type ResourceAttributes,
  type SelfSubjectAccessReview,
} from '@imagestreams/contracts';
import type { RequestAttributes } from '@imagestreams/domain-access';
import type { IncomingMessage } from 'node:http';
import { validBody } from '../../http/edge-validation';
import { ApiDoc } from '../../openapi/api-docs';
import { AccessControl } from '../access-control';
import { callerOf } from '../request-identity';

/** The question as the authorizer reads it: empty strings are "not given", as in Kubernetes. */
function requestOf(spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes }): RequestAttributes {
  if (spec.nonResourceAttributes) return { kind: 'nonResource', verb: spec.nonResourceAttributes.verb ?? '', path: spec.nonResourceAttributes.path ?? '' };
  const asked = spec.resourceAttributes ?? {};
  return {
    kind: 'resource',
    attributes: {
      verb: asked.verb ?? '',
      apiGroup: asked.group ?? '',
      resource: asked.resource ?? '',
      ...(asked.subresource ? { subresource: asked.subresource } : {}),
      ...(asked.namespace ? { namespace: asked.namespace } : {}),
      ...(asked.name ? { name: asked.name } : {}),
    },
  };
}

/** Only the fields the review reads, echoed back as Kubernetes does. */
function echoed<T extends object>(attributes: T | undefined): T | undefined {
  return attributes === undefined ? undefined : (Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as T);
}

/** `authorization.k8s.io/v1` SelfSubjectAccessReview: "may I?" (`kubectl auth can-i`), for the caller. Nothing is stored. */
@Controller('apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
export class SelfSubjectAccessReviewsController {
  constructor(private readonly access: AccessControl) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'may the caller do this? spec.resourceAttributes or spec.nonResourceAttributes; answers status.allowed with a reason', body: SelfSubjectAccessReviewInput, status: 201, returns: 'SelfSubjectAccessReview' })
  async create(@Body() body: unknown, @Req() request: IncomingMessage): Promise<SelfSubjectAccessReview> {
    const review = validBody(SelfSubjectAccessReviewInput, SelfSubjectAccessReviewResource, body);
    const causes = accessReviewSpecProblems(review.spec);
    if (causes.length) throw new StatusError(Statuses.invalid(SelfSubjectAccessReviewResource, '', causes));
    const spec = {
      ...(review.spec.resourceAttributes ? { resourceAttributes: echoed<ResourceAttributes>(review.spec.resourceAttributes) } : {}),
      ...(review.spec.nonResourceAttributes ? { nonResourceAttributes: echoed<NonResourceAttributes>(review.spec.nonResourceAttributes) } : {}),
    };
    const decision = await this.access.authorize(callerOf(request), requestOf(spec));
    return {
      kind: 'SelfSubjectAccessReview',
      apiVersion: AUTHORIZATION_API_VERSION,
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    };
  }
}
