package org.gridpacs.grid.s3;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * {@code s3://bucket/prefix}: the bucket and the key prefix (without slashes at either end, possibly empty) under
 * which a storage keeps its objects. Nothing else: credentials in a location are refused.
 */
public record S3Location(String bucket, String prefix) {

    public static S3Location parse(String id, String location) {
        URI u;
        try {
            u = new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("storage " + id + ": " + e.getMessage());
        }
        if (!"s3".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("storage " + id + ": \"" + u.getScheme() + ":\" location without a"
                    + " bucket; expected s3://bucket/prefix");
        }
        if (u.getRawUserInfo() != null) {
            // never echo it: it may be a secret
            throw new IllegalArgumentException("storage " + id + ": credentials do not belong in the location;"
                    + " set " + S3Settings.ACCESS_KEY + " and " + S3Settings.SECRET_KEY);
        }
        if (u.getPort() != -1 || u.getQuery() != null || u.getFragment() != null) {
            throw new IllegalArgumentException("storage " + id + ": " + location + ": only s3://bucket/prefix;"
                    + " the endpoint is " + S3Settings.ENDPOINT);
        }
        String prefix = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        return new S3Location(u.getHost(), prefix);
    }

    /** The S3 object name of a storage key. */
    public String objectName(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** What every object name of this storage starts with ("" or "prefix/"). */
    public String listPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
