package org.gridpacs.federation.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable local audit log of a node: append-only segment files ({@code audit-000001.log}, ...) in one folder,
 * each record framed with its length and CRC ({@link LogFormat}) and forced to disk before {@link #append} returns.
 *
 * <p>Why files and not an H2 table: the node's H2 index is embedded and locks its file, so {@code pacs audit}
 * could not read it while the node runs, nor when the index is what broke; an append-only file is read by any
 * process at any time, survives the index's loss, and is what log shippers and {@code grep} expect. Why fsync per
 * record: audits are per association (not per instance, {@link TransferAccumulator}), a few per second at most, and
 * a record acknowledged and then lost at a crash is what an audit must not allow. A crash mid-write leaves at most
 * one torn record at the end: it is never returned by {@link AuditLogReader}, and when the log is opened again new
 * records go to a new segment (nothing is ever cut from a segment).
 *
 * <p>Bounded by settings: a new segment when the current one reaches {@code segmentBytes}; with {@code maxSegments}
 * greater than 0 the oldest segments beyond it are deleted (audit retention is the hospital's policy: 0 keeps all).
 * One writer per folder: a second process gets a clear error (a lock file).
 */
public final class AuditLog implements AuditTrail, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final String LOCK_FILE = "audit.lock";

    private final Path dir;
    private final long segmentBytes;
    private final int maxSegments;
    private final boolean fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel current;
    private int currentNumber;
    private final Object forceLock = new Object();
    private FileChannel forcedChannel;
    private long forcedUpTo;

    /** The log of {@code settings} in {@code dir} (created when missing). */
    public static AuditLog open(Path dir, AuditSettings settings) throws IOException {
        return new AuditLog(dir, settings.segmentBytes(), settings.maxSegments(), settings.fsync());
    }

    public AuditLog(Path dir, long segmentBytes, int maxSegments, boolean fsync) throws IOException {
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("audit segment size must be at least 4096 bytes, not " + segmentBytes);
        }
        if (maxSegments < 0) {
            throw new IllegalArgumentException("audit max segments must be 0 (keep all) or more, not " + maxSegments);
        }
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxSegments = maxSegments;
        this.fsync = fsync;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("another process (or another log in this one) writes the audit log in " + dir);
        }
        lock = l;
        try {
            openLast();
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /**
     * Opens the newest segment for appending; a first one when none. When its end is not an intact record (a crash
     * mid-write, or damage) the segment is left as it is and a new one begins: nothing is deleted from an audit
     * log, not even what looks torn (damage in the middle would otherwise take the intact records after it).
     */
    private void openLast() throws IOException {
        List<Path> segments = AuditLogReader.segments(dir);
        if (segments.isEmpty()) {
            openSegment(1);
            return;
        }
        Path last = segments.get(segments.size() - 1);
        long intact = intactLength(last);
        long size = Files.size(last);
        if (intact < size) {
            LOG.warn("Audit log {}: bytes {} to {} are not an intact record (a crash during a write, which was never"
                    + " acknowledged, or damage); left in place, readers skip them; new records go to a new segment",
                    last, intact, size);
            openSegment(AuditLogReader.number(last) + 1);
            return;
        }
        currentNumber = AuditLogReader.number(last);
        current = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
        current.position(size);
    }

    /**
     * Records the message; a failure to write is logged as an ERROR and does not fail the audited operation (use
     * {@link #append} to see it).
     */
    @Override
    public void record(AuditMessage message) {
        try {
            append(message);
        } catch (IOException | RuntimeException e) {
            LOG.error("Audit log {}: could not record a {} message: {}", dir, message.event().eventId().originalText(),
                    e.toString());
        }
    }

    /**
     * Writes the message and (with fsync on) forces it to disk before returning. Group commit: the write is under
     * the log's lock, the force outside it, and one force covers every record written before it began, so
     * concurrent associations share fsyncs instead of queueing for one each.
     */
    public void append(AuditMessage message) throws IOException {
        byte[] framed = LogFormat.frame(message.time().toEpochMilli(), message.event().eventId().code(),
                AuditXml.write(message));
        FileChannel written;
        long end;
        synchronized (this) {
            if (current == null) {
                throw new IOException("the audit log in " + dir + " is closed");
            }
            if (current.position() > 0 && current.position() + framed.length > segmentBytes) {
                rotate();
            }
            ByteBuffer b = ByteBuffer.wrap(framed);
            while (b.hasRemaining()) {
                current.write(b);
            }
            written = current;
            end = current.position();
        }
        if (fsync) {
            force(written, end);
        }
    }

    /** Forces {@code channel} up to {@code end} unless a force begun after that write already did. */
    private void force(FileChannel channel, long end) throws IOException {
        synchronized (forceLock) {
            if (channel == forcedChannel && forcedUpTo >= end) {
                return;
            }
            long upTo;
            synchronized (this) {
                upTo = channel.isOpen() ? channel.position() : end;
            }
            try {
                channel.force(false);
            } catch (java.nio.channels.ClosedChannelException e) {
                // rotated meanwhile: a segment is forced before it is closed
            }
            forcedChannel = channel;
            forcedUpTo = upTo;
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
                lock.release();
                lockChannel.close();
            }
        }
    }

    private void rotate() throws IOException {
        current.force(true);
        current.close();
        openSegment(currentNumber + 1);
        if (maxSegments > 0) {
            List<Path> segments = AuditLogReader.segments(dir);
            for (int i = 0; i < segments.size() - maxSegments; i++) {
                LOG.info("Audit log {}: deleting the oldest segment {} (audit.log.max-segments = {})", dir,
                        segments.get(i).getFileName(), maxSegments);
                Files.delete(segments.get(i));
            }
        }
    }

    private void openSegment(int number) throws IOException {
        currentNumber = number;
        current = FileChannel.open(dir.resolve(AuditLogReader.segmentName(number)), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        // the new file's name must survive a crash too: force the folder's entry
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a folder for this; the record's own force still holds its data
        }
    }

    /** Bytes of the segment up to the end of its last intact record. */
    private static long intactLength(Path segment) throws IOException {
        long length = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(segment))) {
            while (true) {
                LogFormat.Frame f = LogFormat.next(in);
                if (f == null) {
                    return length;
                }
                length += f.size();
            }
        } catch (LogFormat.Torn e) {
            return length;
        }
    }
}
