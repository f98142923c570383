package dev.wxacode.core;

/** A mini program code as it lies in the bucket. */
public record StoredCode(String bucket, String key, String contentType, long size, String sha256, boolean reused) {

    public String fileId() {
        return "s3://" + bucket + "/" + key;
    }
}
