/** An answer S3 gives instead of doing the request: status, error code and message, as S3 words them. */
export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

export const refusal = (status: number, code: string, message: string): S3Refusal => ({ status, code, message });

export const accessDenied = (message = "Access Denied") => refusal(403, "AccessDenied", message);

export const signatureDoesNotMatch = () =>
  refusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");

export const invalidAccessKeyId = () => refusal(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");

/** S3's answer to the retired signature version 2 in regions that only take version 4. */
export const unsupportedAuthorization = () =>
  refusal(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
