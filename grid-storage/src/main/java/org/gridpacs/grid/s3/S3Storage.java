package org.gridpacs.grid.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import javax.crypto.SecretKey;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.grid.crypto.DecryptingInputStream;
import org.gridpacs.grid.crypto.EncryptingOutputStream;
import org.gridpacs.grid.crypto.Envelope;
import org.gridpacs.grid.crypto.KeyRing;
import org.gridpacs.grid.crypto.SegmentCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A storage in an S3 bucket under a key prefix, every object encrypted on this node ({@link Envelope},
 * {@link SegmentCipher}): the bucket sees only ciphertext and the envelope's metadata. Keys look like the file
 * storage's ({@code 2026/12/07/12/<128 random bits>.enc}), the object name being {@code prefix/key}.
 *
 * <p>{@link #create} streams through one part buffer (a single PUT for what fits in one part, else a multipart
 * upload, aborted on any failure). Reads: one GET each, ranged for {@link #openRange} to the segments the range
 * covers; the metadata comes with the answer. The ciphertext length tells the plaintext size.
 */
public final class S3Storage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    private static final DateTimeFormatter HOUR_FOLDER =
            DateTimeFormatter.ofPattern("uuuu/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final String SUFFIX = ".enc";
    /** Plaintext per GCM segment: a frame read decrypts at most this much more than it asked for at each end. */
    public static final int SEGMENT_SIZE = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final S3Location location;
    private final S3Client s3;
    private final S3Settings settings;
    private final KeyRing keys;

    S3Storage(String id, S3Location location, S3Client s3, S3Settings settings, KeyRing keys) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a storage needs an id");
        }
        this.id = id;
        this.location = location;
        this.s3 = s3;
        this.settings = settings;
        this.keys = keys;
    }

    @Override
    public String id() {
        return id;
    }

    public S3Location location() {
        return location;
    }

    @Override
    public StoredObject create(ContentWriter writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String key = HOUR_FOLDER.format(Instant.now()) + "/" + HexFormat.of().formatHex(random) + SUFFIX;
        String name = location.objectName(key);
        Envelope.Sealed sealed = Envelope.create(keys, SEGMENT_SIZE);
        PartUploader upload = new PartUploader(s3, location.bucket(), name, sealed.envelope().toMetadata(),
                settings.partSize());
        try {
            EncryptingOutputStream out = new EncryptingOutputStream(upload,
                    new SegmentCipher(sealed.dataKey(), sealed.envelope(), describe(key)));
            writer.writeTo(out);
            out.finish();
            upload.complete();
            return new StoredObject(id, key, out.size(), null);
        } catch (Throwable e) {
            upload.abort(e);
            if (e instanceof SdkException sdk) {
                throw io("writing " + key, sdk);
            }
            throw e;
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        ResponseInputStream<GetObjectResponse> in = get(key, null);
        try {
            GetObjectResponse r = in.response();
            Envelope env = Envelope.fromMetadata(r.metadata(), describe(key));
            long size = SegmentCipher.plaintextSize(r.contentLength(), env.segmentSize(), describe(key));
            return reader(in, env, key, size, 0, 0, size, true);
        } catch (Throwable e) {
            in.abort();
            throw e;
        }
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
        }
        if (length == 0) {
            long size = plaintextSize(key);
            if (offset > size) {
                throw beyond(key, offset, length, size);
            }
            return InputStream.nullInputStream();
        }
        // the segments the range covers; a full segment is SEGMENT_SIZE plus its tag whatever the object
        long sealedSegment = SegmentCipher.sealedSegment(SEGMENT_SIZE);
        long first = offset / SEGMENT_SIZE;
        long last = (offset + length - 1) / SEGMENT_SIZE;
        String range = "bytes=" + first * sealedSegment + "-" + ((last + 1) * sealedSegment - 1);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = get(key, range);
        } catch (EOFException e) {
            throw beyond(key, offset, length, plaintextSize(key));
        }
        try {
            GetObjectResponse r = in.response();
            Envelope env = Envelope.fromMetadata(r.metadata(), describe(key));
            if (env.segmentSize() != SEGMENT_SIZE) {
                throw new IOException(describe(key) + " has segments of " + env.segmentSize() + " bytes, not "
                        + SEGMENT_SIZE);
            }
            long size = SegmentCipher.plaintextSize(totalLength(r, key), SEGMENT_SIZE, describe(key));
            if (offset > size || length > size - offset) {
                throw beyond(key, offset, length, size);
            }
            return reader(in, env, key, size, first, offset - first * SEGMENT_SIZE, length, false);
        } catch (Throwable e) {
            in.abort();
            throw e;
        }
    }

    private InputStream reader(ResponseInputStream<GetObjectResponse> response, Envelope env, String key, long size,
                               long first, long skip, long length, boolean whole) throws IOException {
        SecretKey dataKey = env.dataKey(keys, describe(key));
        DecryptingInputStream plain = new DecryptingInputStream(response, new SegmentCipher(dataKey, env, describe(key)),
                size, first, skip, length, whole, describe(key));
        return new java.io.FilterInputStream(plain) {
            private boolean ended;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                ended |= n < 0;
                return n;
            }

            @Override
            public int read() throws IOException {
                int n = super.read();
                ended |= n < 0;
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!ended) {
                    response.abort(); // do not drain the rest of a large object to reuse the connection
                }
                super.close();
            }
        };
    }

    private static long totalLength(GetObjectResponse r, String key) throws IOException {
        String cr = r.contentRange(); // "bytes a-b/total"
        int slash = cr == null ? -1 : cr.lastIndexOf('/');
        if (slash < 0 || cr.endsWith("/*")) {
            throw new IOException("no object length in the answer to a ranged GET of " + key + ": " + cr);
        }
        return Long.parseLong(cr.substring(slash + 1).trim());
    }

    private EOFException beyond(String key, long offset, long length, long size) {
        return new EOFException("bytes " + offset + " to " + (offset + length) + " of " + key
                + " are asked for, but it has " + size + " bytes (storage " + id + ")");
    }

    private ResponseInputStream<GetObjectResponse> get(String key, String range) throws IOException {
        String name = location.objectName(checkKey(key));
        try {
            return s3.getObject(r -> r.bucket(location.bucket()).key(name).range(range));
        } catch (NoSuchKeyException e) {
            throw noSuch(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                throw new EOFException(key + ": range " + range + " not satisfiable");
            }
            throw io("reading " + key, e);
        } catch (SdkException e) {
            throw io("reading " + key, e);
        }
    }

    private long plaintextSize(String key) throws IOException {
        HeadObjectResponse h = head(key);
        if (h == null) {
            throw noSuch(key);
        }
        Envelope env = Envelope.fromMetadata(h.metadata(), describe(key));
        return SegmentCipher.plaintextSize(h.contentLength(), env.segmentSize(), describe(key));
    }

    /** HEAD of the object; null when there is none. */
    private HeadObjectResponse head(String key) throws IOException {
        String name = location.objectName(checkKey(key));
        try {
            return s3.headObject(r -> r.bucket(location.bucket()).key(name));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw io("looking up " + key, e);
        } catch (SdkException e) {
            throw io("looking up " + key, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        return head(key) != null;
    }

    @Override
    public void remove(String key) throws IOException {
        String name = location.objectName(checkKey(key));
        try {
            s3.deleteObject(r -> r.bucket(location.bucket()).key(name));
        } catch (SdkException e) {
            throw io("removing " + key, e);
        }
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        String prefix = location.listPrefix();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(prefix)).contents()) {
                String key = o.key().substring(prefix.length());
                long size;
                try {
                    size = SegmentCipher.plaintextSize(o.size(), SEGMENT_SIZE, describe(key));
                } catch (IOException e) {
                    LOG.warn("Storage {}: {} is not an object of this storage: {}", id, o.key(), e.getMessage());
                    continue;
                }
                visitor.accept(new StoredObject(id, key, size, null));
            }
        } catch (SdkException e) {
            throw io("listing", e);
        }
    }

    /** An object found by {@link #listPages}: its key under the prefix and when it was last written. */
    public record Listed(String key, Instant lastModified) {
    }

    /**
     * Every object under this storage's prefix, one ListObjectsV2 page (up to 1000 keys) at a time: only the page
     * being visited is held, whatever the bucket holds. A failure of the visitor stops the listing and is thrown
     * as it is.
     */
    public <E extends Exception> void listPages(PageVisitor<E> visitor) throws IOException, E {
        String prefix = location.listPrefix();
        try {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(prefix))) {
                List<Listed> listed = new ArrayList<>(page.contents().size());
                for (S3Object o : page.contents()) {
                    listed.add(new Listed(o.key().substring(prefix.length()), o.lastModified()));
                }
                if (!listed.isEmpty()) {
                    visitor.visit(listed);
                }
            }
        } catch (SdkException e) {
            throw io("listing", e);
        }
    }

    /** What {@link #listPages} hands each page to. */
    @FunctionalInterface
    public interface PageVisitor<E extends Exception> {
        void visit(List<Listed> page) throws IOException, E;
    }

    @Override
    public int sweepIncomplete() throws IOException {
        int aborted = 0;
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(r -> r.bucket(location.bucket())
                    .prefix(location.listPrefix())).uploads()) {
                s3.abortMultipartUpload(r -> r.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
                aborted++;
            }
        } catch (SdkException e) {
            throw io("sweeping incomplete uploads", e);
        }
        if (aborted > 0) {
            LOG.info("Storage {}: aborted {} incomplete multipart uploads", id, aborted);
        }
        return aborted;
    }

    /**
     * What a node checks at start: the endpoint answers, the credentials are accepted, the bucket exists, the
     * current key is in the key ring. Each failure an {@link IOException} naming the setting at fault.
     */
    public void check() throws IOException {
        try {
            s3.listObjectsV2(r -> r.bucket(location.bucket()).prefix(location.listPrefix()).maxKeys(1));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code) || e.statusCode() == 404) {
                throw new IOException("storage " + id + ": bucket \"" + location.bucket() + "\" (of its location "
                        + location + ") does not exist at " + S3Settings.ENDPOINT + " " + settings.endpoint(), e);
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new IOException("storage " + id + ": " + S3Settings.ACCESS_KEY + " / " + S3Settings.SECRET_KEY
                        + ": the credentials of access key \"" + settings.accessKey() + "\" are refused by "
                        + settings.endpoint() + " (" + code + ")", e);
            }
            throw io("checking", e);
        } catch (SdkClientException e) {
            throw new IOException("storage " + id + ": " + S3Settings.ENDPOINT + " " + settings.endpoint()
                    + " does not answer: " + rootMessage(e), e);
        } catch (SdkException e) {
            throw io("checking", e);
        }
        // the ring was loaded with its current key; a wrap and unwrap proves that key works
        Envelope.Sealed probe = Envelope.create(keys, SEGMENT_SIZE);
        probe.envelope().dataKey(keys, "the start-up check of key id " + keys.currentKeyId() + " ("
                + KeyRing.CURRENT_KEY_SETTING + ")");
    }

    private IOException noSuch(String key) {
        NoSuchFileException e = new NoSuchFileException(key, null, "no such object in storage " + id + " ("
                + location + ")");
        return e;
    }

    private IOException io(String what, SdkException e) {
        String where = e instanceof SdkClientException ? " (" + S3Settings.ENDPOINT + " " + settings.endpoint() + ")"
                : "";
        return new IOException("storage " + id + " (" + location + "): " + what + ": " + rootMessage(e) + where, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && !(t instanceof ConnectException || t instanceof UnknownHostException)) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    private String describe(String key) {
        return "object " + key + " of storage " + id;
    }

    /** A key given back by a caller: relative, no empty or dot segments. */
    private String checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a key of storage " + id + ": \"" + key + "\"");
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a key of storage " + id + ": \"" + key + "\"");
            }
        }
        return key;
    }

    @Override
    public String toString() {
        return "storage " + id + " (" + location + " at " + settings.endpoint() + ")";
    }
}
