package org.gridpacs.grid.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The bytes of one new S3 object, streamed: one part buffer in memory whatever the object's size. An object that
 * fits in one part is a single PutObject; a larger one a multipart upload, each full buffer one part, sent before
 * the buffer takes more bytes. {@link #abort} undoes whatever was started.
 */
final class PartUploader extends OutputStream {
    private final S3Client s3;
    private final String bucket;
    private final String name;
    private final Map<String, String> metadata;
    private final byte[] buffer;
    private final List<CompletedPart> parts = new ArrayList<>();
    private int filled;
    private String uploadId;
    private boolean completed;
    /** A PUT or a completion was sent: the object may exist even if its answer never came. */
    private boolean objectMayExist;

    PartUploader(S3Client s3, String bucket, String name, Map<String, String> metadata, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.name = name;
        this.metadata = metadata;
        this.buffer = new byte[partSize];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (filled == buffer.length) {
                sendPart();
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void sendPart() {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(name).metadata(metadata)
                    .contentType("application/octet-stream")).uploadId();
        }
        int number = parts.size() + 1;
        String etag = s3.uploadPart(r -> r.bucket(bucket).key(name).uploadId(uploadId).partNumber(number)
                .contentLength((long) filled), body()).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        filled = 0;
    }

    /** The buffer's bytes as a request body, without copying them (the SDK may read them twice: signing, retry). */
    private RequestBody body() {
        int n = filled;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n,
                "application/octet-stream");
    }

    /** Sends the rest and makes the object whole: it is durable (and listed) when this returns. */
    void complete() {
        objectMayExist = true;
        if (uploadId == null) {
            s3.putObject(r -> r.bucket(bucket).key(name).metadata(metadata).contentType("application/octet-stream")
                    .contentLength((long) filled), body());
        } else {
            if (filled > 0) {
                sendPart();
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        }
        completed = true;
    }

    /**
     * Abandons the object: aborts the multipart upload, and removes the object in case a PUT or a completion
     * took effect although its answer was lost. Failures are added to {@code cause}: sweepIncomplete clears an
     * upload the server could not be told about.
     */
    void abort(Throwable cause) {
        if (uploadId != null && !completed) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(uploadId));
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        if (objectMayExist) {
            try {
                s3.deleteObject(r -> r.bucket(bucket).key(name));
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
