package dev.wxacode.store;

import java.time.Duration;
import java.util.Optional;

import dev.wxacode.core.StoredCode;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Presigned GET URLs for stored codes, so that a web page or a mini program can show the image
 * straight from the bucket. Signed locally (no S3 call), for the configured endpoint and addressing.
 */
public final class DisplayUrls {

    /** SigV4's limit for a presigned URL. */
    public static final Duration LONGEST = Duration.ofDays(7);

    public record DisplayUrl(String url, java.time.Instant expiresAt) {
    }

    private final S3Presigner presigner;
    private final Duration lifetime;

    private DisplayUrls(S3Presigner presigner, Duration lifetime) {
        this.presigner = presigner;
        this.lifetime = lifetime;
    }

    public static DisplayUrls off() {
        return new DisplayUrls(null, Duration.ZERO);
    }

    public static DisplayUrls signedBy(S3Presigner presigner, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("wxacode.display-url.lifetime-seconds must be between 1 and "
                    + LONGEST.toSeconds() + " (SigV4's limit), or 0 for no URL (was " + lifetime.toSeconds() + ")");
        }
        return new DisplayUrls(presigner, lifetime);
    }

    public Optional<DisplayUrl> urlFor(StoredCode code) {
        if (presigner == null) {
            return Optional.empty();
        }
        PresignedGetObjectRequest signed = presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                .getObjectRequest(g -> g.bucket(code.bucket()).key(code.key())));
        return Optional.of(new DisplayUrl(signed.url().toString(), signed.expiration()));
    }
}
