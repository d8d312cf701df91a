import { IsDefined, IsString, MaxLength } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { Image, ImageList, ImageStreamImage } from '../api/image';
import { NamespacedNameRequest, WithActor } from '../api/resource-requests';

/** An Image by name (its manifest digest); a name that is no digest is simply not found. */
export class GetImageQuery {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;
}

/**
 * Images are cluster scoped, so a list addresses nothing; the request carries only who asked
 * (and an object without any declared property would not pass validation).
 */
export class ListImagesQuery extends WithActor {}

/** `name` is `<stream>@<id>`, exactly as the client addressed it; the owner splits it. */
export class GetImageStreamImageQuery extends NamespacedNameRequest {}

export const ImageReadRequests = {
  getImage: defineRequest<GetImageQuery, Image>(RequestSubjects.imageGet, GetImageQuery),
  listImages: defineRequest<ListImagesQuery, ImageList>(RequestSubjects.imageList, ListImagesQuery),
  getImageStreamImage: defineRequest<GetImageStreamImageQuery, ImageStreamImage>(RequestSubjects.imageStreamImageGet, GetImageStreamImageQuery),
};
