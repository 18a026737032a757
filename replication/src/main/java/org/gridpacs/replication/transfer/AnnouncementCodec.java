package org.gridpacs.replication.transfer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.CopyCatalog.CopyRecord;
import org.gridpacs.archive.index.IndexedInstance;

/**
 * The wire form of a batch of {@link Announcement}s on the peer transport: a version byte, then per announcement
 * a kind byte and its fields (modified UTF-8 strings, a length-prefixed header), then a zero byte. Version 2 adds
 * to each copy when the cluster first received its object (epoch seconds and nanoseconds; seconds
 * {@code Long.MIN_VALUE}: not known); version 1 batches are still read.
 */
public final class AnnouncementCodec {
    private static final int VERSION = 2;
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final int END = 0;
    private static final int COPY = 1;
    private static final int DROP = 2;
    /** Headers larger than this are refused: no sane instance header is; a bigger one is garbage or an attack. */
    private static final int MAX_HEADER = 64 * 1024 * 1024;

    private AnnouncementCodec() {
    }

    public static void write(List<Announcement> batch, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeByte(VERSION);
        for (Announcement a : batch) {
            if (a.kind() == Announcement.Kind.DROP) {
                out.writeByte(DROP);
                out.writeUTF(a.sopInstanceUID());
                out.writeUTF(a.storageId());
                out.writeUTF(a.storageKey());
                continue;
            }
            CopyRecord r = a.copy();
            IndexedInstance.Location l = r.location();
            out.writeByte(COPY);
            out.writeUTF(r.sopInstanceUID());
            out.writeUTF(r.studyInstanceUID());
            out.writeUTF(r.transferSyntaxUID());
            out.writeUTF(r.sourceAETitle() == null ? "" : r.sourceAETitle());
            out.writeInt(r.encodedHeader().length);
            out.write(r.encodedHeader());
            out.writeUTF(l.storageId());
            out.writeUTF(l.storageKey());
            out.writeLong(l.size());
            out.writeUTF(l.checksum() == null ? "" : l.checksum());
            out.writeLong(r.received() == null ? UNKNOWN : r.received().getEpochSecond());
            out.writeInt(r.received() == null ? 0 : r.received().getNano());
        }
        out.writeByte(END);
        out.flush();
    }

    /** Reads a batch; an IOException names what is wrong with a malformed one. */
    public static List<Announcement> read(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int version = in.readUnsignedByte();
        if (version != VERSION && version != 1) {
            throw new IOException("announcements of version " + version + " (this node reads version " + VERSION + ")");
        }
        List<Announcement> out = new ArrayList<>();
        for (int kind = in.readUnsignedByte(); kind != END; kind = in.readUnsignedByte()) {
            if (kind == DROP) {
                out.add(Announcement.drop(in.readUTF(), in.readUTF(), in.readUTF()));
            } else if (kind == COPY) {
                String sop = in.readUTF();
                String study = in.readUTF();
                String ts = in.readUTF();
                String aet = in.readUTF();
                int n = in.readInt();
                if (n < 0 || n > MAX_HEADER) {
                    throw new IOException("an announced header of " + n + " bytes");
                }
                byte[] header = in.readNBytes(n);
                if (header.length != n) {
                    throw new EOFException("announcement cut short");
                }
                String storageId = in.readUTF();
                String key = in.readUTF();
                long size = in.readLong();
                String checksum = in.readUTF();
                java.time.Instant received = null;
                if (version >= 2) {
                    long seconds = in.readLong();
                    int nanos = in.readInt();
                    received = seconds == UNKNOWN ? null : java.time.Instant.ofEpochSecond(seconds, nanos);
                }
                out.add(Announcement.copy(new CopyRecord(sop, study, ts, aet.isEmpty() ? null : aet, header,
                        new IndexedInstance.Location(storageId, key, size, checksum.isEmpty() ? null : checksum, "OK"),
                        received)));
            } else {
                throw new IOException("unknown announcement kind " + kind);
            }
        }
        return out;
    }
}
