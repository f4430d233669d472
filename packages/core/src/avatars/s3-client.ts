import type { S3ClientConfig } from "@aws-sdk/client-s3";

/**
 * The S3 client settings every composition root shares. The endpoint itself is not here: the SDK
 * reads it (AWS_ENDPOINT_URL_S3) like the credentials, so pointing elsewhere is configuration.
 */
export function s3ClientConfig({ customEndpoint }: { customEndpoint?: string | undefined }): S3ClientConfig {
  return {
    // A custom endpoint (the offline S3, LocalStack, MinIO) serves buckets as paths, not subdomains.
    forcePathStyle: Boolean(customEndpoint),
    // Checksums only where an operation requires them: plain bodies that any S3 implementation
    // reads, and nothing extra for S3 to verify on objects we write ourselves.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}
