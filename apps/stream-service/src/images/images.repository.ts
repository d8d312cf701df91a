import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion } from '@imagestreams/platform-persistence';
import type { ImageLayer, ImageManifest } from '@imagestreams/contracts';
import type { DataSource } from 'typeorm';

/** A manifest-list entry as the mapping recorded it; the view fills what was not said. */
export type StoredImageManifest = Pick<ImageManifest, 'digest' | 'mediaType'> & Partial<Omit<ImageManifest, 'digest' | 'mediaType'>>;

export interface ImageRow {
  name: string;
  docker_image_reference: string;
  manifest_media_type: string | null;
  metadata: Record<string, unknown> | null;
  layers: ImageLayer[] | null;
  manifests: StoredImageManifest[] | null;
  created_at: Date;
}

/** The stream columns an ImageStreamImage shows. */
export interface StreamOfImageRow {
  uid: string;
  namespace: string;
  name: string;
  resource_version: string;
  annotations: Record<string, string>;
  created_at: Date;
}

/** Reads of images, cluster wide or as seen through one stream. Images are written by mappings. */
@Injectable()
export class ImagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(name: string): Promise<ImageRow | undefined> {
    const rows: ImageRow[] = await this.dataSource.query('SELECT * FROM images WHERE name = $1', [name]);
    return rows[0];
  }

  list(): Promise<ImageRow[]> {
    return this.dataSource.query('SELECT * FROM images ORDER BY name');
  }

  async findStream(namespace: string, name: string): Promise<StreamOfImageRow | undefined> {
    const rows: StreamOfImageRow[] = await this.dataSource.query(
      'SELECT uid, namespace, name, resource_version, annotations, created_at FROM image_streams WHERE namespace = $1 AND name = $2',
      [namespace, name],
    );
    return rows[0];
  }

  /**
   * Every image the stream references: each image in any history entry of any tag, plus the
   * platform manifests of those that are manifest lists (each of which is an image of its own).
   */
  async referencedImages(streamUid: string): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `WITH history AS (SELECT DISTINCT image FROM tag_events WHERE image_stream_uid = $1)
       SELECT image AS name FROM history
       UNION
       SELECT entry->>'digest' FROM history
         JOIN images ON images.name = history.image AND jsonb_typeof(images.manifests) = 'array'
         CROSS JOIN LATERAL jsonb_array_elements(images.manifests) AS manifest(entry)
       ORDER BY name`,
      [streamUid],
    );
    return rows.map((row) => row.name).filter((name): name is string => typeof name === 'string');
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
