package org.gridpacs.grid.s3;

import java.time.Duration;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageProvider;
import org.gridpacs.grid.crypto.KeyRing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code s3:} storages ({@code s3://bucket/prefix}), encrypted on this node with keys of the {@link KeyRing}.
 * One S3 client (one connection pool) serves every storage it opens; {@link #close()} releases it. Not found by
 * ServiceLoader: it needs settings and keys, so the composition root registers it
 * ({@code StorageProviders.register}).
 */
public final class S3StorageProvider implements StorageProvider, AutoCloseable {
    public static final String SCHEME = "s3";

    private final S3Settings settings;
    private final KeyRing keys;
    private final S3Client client;

    public S3StorageProvider(S3Settings settings, KeyRing keys) {
        this.settings = settings;
        this.keys = keys;
        this.client = S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                // SDK 2.30+ adds CRC trailers to every upload by default, which S3-compatible servers may refuse;
                // integrity is ours (GCM tags per segment, the CRC-32C in the trailer)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(32)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public S3Storage open(String id, String location, boolean fsync) {
        // fsync has no meaning here: an S3 PUT is durable when it is answered
        return new S3Storage(id, S3Location.parse(id, location), client, settings, keys);
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "s3 storage provider, " + settings + ", " + keys;
    }
}
