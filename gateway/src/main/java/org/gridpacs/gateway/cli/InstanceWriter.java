package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * Writes received instances as Part 10 files named after their SOP Instance UID, on the hot path of the receiver:
 * the File Meta Information is built from the C-STORE command, and the data set is copied from the network stream
 * into the file as it arrives, never decoded. Each file is written under a hidden temporary name in the same folder
 * and renamed when complete, so a reader of the folder never sees half a file.
 */
final class InstanceWriter {
    /** Large writes: few system calls per instance. One buffer per receiving thread, reused. */
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    private final Path directory;
    private final boolean fsync;

    InstanceWriter(Path directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    Path directory() {
        return directory;
    }

    /**
     * Writes one instance whose data set {@code data} streams in {@code transferSyntaxUID}.
     *
     * @throws DimseException when the file cannot be written (disk full, permissions): the sender gets a failure
     *                        status and the association goes on
     * @throws IOException    when reading {@code data} fails, that is when the association broke
     */
    Path write(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, String sourceAET, InputStream data)
            throws DimseException, IOException {
        if (sopInstanceUID == null || sopInstanceUID.isEmpty() || sopClassUID == null || sopClassUID.isEmpty()) {
            throw new DimseException(Status.CANNOT_UNDERSTAND, "C-STORE without Affected SOP Class/Instance UID");
        }
        String name = fileName(sopInstanceUID);
        Path target = directory.resolve(name);
        Path temp = directory.resolve("." + name + "." + TEMP_SEQUENCE.incrementAndGet() + ".part");
        byte[] buf = BUFFER.get();
        byte[] header = metaHeader(sopClassUID, sopInstanceUID, transferSyntaxUID, sourceAET);
        boolean done = false;
        try (FileChannel ch = open(temp)) {
            System.arraycopy(header, 0, buf, 0, header.length);
            int fill = header.length;
            int n;
            // fill the whole buffer before writing: network reads return one PDV at a time
            while ((n = data.read(buf, fill, buf.length - fill)) >= 0) {
                fill += n;
                if (fill == buf.length) {
                    writeFully(ch, buf, fill, target);
                    fill = 0;
                }
            }
            writeFully(ch, buf, fill, target);
            if (fsync) {
                ch.force(true);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsync) {
                try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                    dir.force(true); // makes the rename itself durable
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new DimseException(Status.OUT_OF_RESOURCES, "cannot store " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    private static FileChannel open(Path temp) throws DimseException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DimseException(Status.OUT_OF_RESOURCES, "cannot create " + temp + ": " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel ch, byte[] buf, int len, Path target) throws DimseException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
        try {
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
        } catch (IOException e) {
            throw new DimseException(Status.OUT_OF_RESOURCES, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static byte[] metaHeader(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, String sourceAET) {
        return FileMetaInformation.encode(
                FileMetaInformation.create(sopClassUID, sopInstanceUID, transferSyntaxUID, sourceAET));
    }

    /** The UID as file name; characters a UID may not have (seen from broken senders) cannot escape the folder. */
    static String fileName(String sopInstanceUID) {
        StringBuilder sb = new StringBuilder(sopInstanceUID.length() + 4);
        for (char c : sopInstanceUID.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' ? c : '_');
        }
        if (sb.charAt(0) == '.') {
            sb.setCharAt(0, '_'); // no hidden files, no ".."
        }
        return sb.append(".dcm").toString();
    }
}
