package org.gridpacs.grid.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageProviders;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.grid.crypto.KeyRing;
import org.gridpacs.grid.s3proxy.S3ProxyServer;

/** A real s3proxy in a folder, a bucket, a key ring with one key, and storages on them (5 MiB parts). */
public final class GridFixture implements AutoCloseable {
    static final String IDENTITY = "test-identity";
    static final String CREDENTIAL = "test-credential-not-secret";
    public static final String BUCKET = "gridpacs";
    static final int PART = 5 * 1024 * 1024;

    public final Path dir;
    public final S3ProxyServer server;
    final Path keystore;
    final Path passwordFile;
    final String firstKey;

    public GridFixture(Path dir) throws IOException {
        this.dir = dir;
        this.server = new S3ProxyServer(S3ProxyServer.defaultJar(), dir.resolve("s3"), Ports.freePort(), IDENTITY,
                CREDENTIAL).start();
        server.createBucket(BUCKET);
        this.keystore = dir.resolve("keys/grid-keys.p12");
        this.passwordFile = dir.resolve("keys/grid-keys.password");
        this.firstKey = KeyRing.addNewKey(keystore, passwordFile, "key-a");
    }

    public S3Settings settings() {
        return new S3Settings(server.endpoint(), "us-east-1", true, IDENTITY, CREDENTIAL, PART);
    }

    public KeyRing ring(String current) throws IOException {
        return KeyRing.load(keystore, passwordFile, current);
    }

    /** A storage with checksums, as a node opens it. */
    public Storage storage(S3StorageProvider provider, String prefix) {
        return new StorageProviders().register(provider).open("grid", "s3://" + BUCKET + "/" + prefix, true);
    }

    /** Pseudo-random bytes, the same for the same seed. */
    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Storage.ContentWriter writing(byte[] content) {
        return (OutputStream out) -> out.write(content);
    }

    @Override
    public void close() {
        server.close();
    }
}
