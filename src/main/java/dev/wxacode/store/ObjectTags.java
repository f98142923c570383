package dev.wxacode.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * The S3 object tags an object is written with (s3.object-tags): its app and type, repeated from
 * its metadata, because lifecycle rules and cost reports can select objects by tag but not by
 * metadata. Off for stores that refuse x-amz-tagging (S3Proxy answers 501 NotImplemented).
 */
public final class ObjectTags {

    /** The metadata entries that become tags, in this order. */
    static final List<String> TAGGED_METADATA = List.of(ObjectMetadata.APP, ObjectMetadata.TYPE);

    private final boolean enabled;

    private ObjectTags(boolean enabled) {
        this.enabled = enabled;
    }

    public static ObjectTags enabled(boolean enabled) {
        return new ObjectTags(enabled);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Empty when tags are off or the object's metadata names neither app nor type. */
    public Optional<Tagging> of(Map<String, String> metadata) {
        if (!enabled || metadata == null) {
            return Optional.empty();
        }
        List<Tag> tags = new ArrayList<>();
        for (String name : TAGGED_METADATA) {
            String value = metadata.get(name);
            if (value != null) {
                tags.add(Tag.builder().key(name).value(value).build());
            }
        }
        return tags.isEmpty() ? Optional.empty() : Optional.of(Tagging.builder().tagSet(tags).build());
    }
}
