package org.gridpacs.grid.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How to reach the S3 endpoint: endpoint URI, region, path-style addressing, credentials and the multipart part
 * size. The credentials come from here (conf/), never from a storage location URI, and {@link #toString()} leaves
 * the secret out.
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, String accessKey, String secretKey,
                         int partSize) {
    public static final String ENDPOINT = "grid.s3.endpoint";
    public static final String REGION = "grid.s3.region";
    public static final String PATH_STYLE = "grid.s3.path-style";
    public static final String ACCESS_KEY = "grid.s3.access-key";
    public static final String SECRET_KEY = "grid.s3.secret-key";
    public static final String SECRET_KEY_FILE = "grid.s3.secret-key-file";
    public static final String PART_SIZE_MB = "grid.s3.part-size-mb";
    /** S3's smallest part (all but the last). */
    public static final int MIN_PART = 5 * 1024 * 1024;
    public static final int DEFAULT_PART = 8 * 1024 * 1024;

    public S3Settings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new IllegalArgumentException(ENDPOINT + ": \"" + endpoint + "\" is not an http(s) URL");
        }
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException(REGION + " is empty");
        }
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException(ACCESS_KEY + " is empty");
        }
        if (secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException(SECRET_KEY + " (or " + SECRET_KEY_FILE + ") is empty");
        }
        if (partSize < MIN_PART || partSize > 512 * 1024 * 1024) {
            throw new IllegalArgumentException(PART_SIZE_MB + ": parts of " + partSize + " bytes; S3 needs 5 MiB"
                    + " or more (and this node holds one in memory per upload, so at most 512 MiB)");
        }
    }

    /** With the defaults: region us-east-1, path style, 8 MiB parts. */
    public static S3Settings of(URI endpoint, String accessKey, String secretKey) {
        return new S3Settings(endpoint, "us-east-1", true, accessKey, secretKey, DEFAULT_PART);
    }

    /**
     * From properties (conf/grid.properties): {@value #ENDPOINT} (required), {@value #REGION} (us-east-1),
     * {@value #PATH_STYLE} (true), {@value #ACCESS_KEY}, {@value #SECRET_KEY} or {@value #SECRET_KEY_FILE} (a file
     * whose first line is the secret; relative to {@code base}), {@value #PART_SIZE_MB} (8).
     */
    public static S3Settings fromProperties(Properties p, Path base) throws IOException {
        String endpoint = p.getProperty(ENDPOINT, "").strip();
        if (endpoint.isEmpty()) {
            throw new IllegalArgumentException(ENDPOINT + " is not set");
        }
        String secret = p.getProperty(SECRET_KEY, "");
        String secretFile = p.getProperty(SECRET_KEY_FILE, "").strip();
        if (secret.isEmpty() && !secretFile.isEmpty()) {
            Path f = base.resolve(secretFile);
            try {
                secret = Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException(SECRET_KEY_FILE + ": cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        int partMb;
        try {
            partMb = Integer.parseInt(p.getProperty(PART_SIZE_MB, "8").strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PART_SIZE_MB + ": not a number: " + p.getProperty(PART_SIZE_MB));
        }
        return new S3Settings(URI.create(endpoint), p.getProperty(REGION, "us-east-1").strip(),
                Boolean.parseBoolean(p.getProperty(PATH_STYLE, "true").strip()),
                p.getProperty(ACCESS_KEY, "").strip(), secret, partMb * 1024 * 1024);
    }

    @Override
    public String toString() {
        return "S3 " + endpoint + " (region " + region + ", " + (pathStyle ? "path style" : "virtual hosts")
                + ", access key " + accessKey + ", parts of " + partSize / (1024 * 1024) + " MiB)";
    }
}
