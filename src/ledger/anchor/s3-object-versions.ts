import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ObjectVersion {
  key: string;
  versionId: string;
  lastModified?: Date;
}

/** Versions newest first per key, as S3 lists them; delete markers apart. */
export interface ObjectVersions {
  versions: ObjectVersion[];
  deleteMarkers: ObjectVersion[];
}

/**
 * Every version and delete marker under a prefix, all pages. Listing versions rather than current
 * objects keeps a checkpoint visible after someone hides it behind a delete marker.
 */
export async function listObjectVersions(
  client: S3Client,
  bucket: string,
  prefix: string,
  pageSize?: number,
): Promise<ObjectVersions> {
  const listed: ObjectVersions = { versions: [], deleteMarkers: [] };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
        MaxKeys: pageSize,
      }),
    );
    for (const version of page.Versions ?? []) listed.versions.push(objectVersion(version));
    for (const marker of page.DeleteMarkers ?? []) listed.deleteMarkers.push(objectVersion(marker));
    if (!page.IsTruncated) return listed;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

function objectVersion(entry: { Key?: string; VersionId?: string; LastModified?: Date }): ObjectVersion {
  if (entry.Key === undefined || entry.VersionId === undefined) {
    throw new Error('S3 listed an object version without a key or version id');
  }
  return { key: entry.Key, versionId: entry.VersionId, lastModified: entry.LastModified };
}
