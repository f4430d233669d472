import { S3Client } from "@aws-sdk/client-s3";
import { s3ClientConfig } from "@users/core/avatars/s3";

/**
 * The S3 client of the functions that use the bucket. The endpoint comes from the SDK's chain
 * (AWS_ENDPOINT_URL_S3); a custom one (the offline S3, LocalStack) is addressed by path.
 */
export const s3Client = () => new S3Client(s3ClientConfig({ customEndpoint: process.env.AWS_ENDPOINT_URL_S3 || undefined }));
