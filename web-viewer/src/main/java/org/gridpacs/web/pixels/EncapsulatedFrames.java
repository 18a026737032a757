package org.gridpacs.web.pixels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.image.PixelDataException;

/**
 * The frames of encapsulated Pixel Data (PS3.5 A.4), read forward from the item after the Basic Offset Table:
 * fragments before the wanted frame are skipped by their item lengths (a file seeks), the wanted frame's fragments
 * are copied. Which frame a fragment belongs to comes from the Extended Offset Table or the Basic Offset Table
 * when there is one; else a single frame has every fragment; else a JPEG frame ends with a fragment ending in the
 * End Of Image marker, a JPEG 2000 frame starts with a fragment starting with its Start Of Codestream marker, and
 * anything else (RLE, PS3.5 A.4.2) has one fragment per frame. Memory: one chunk, whatever the frame size.
 */
public final class EncapsulatedFrames {
    private enum Grouping { OFFSETS, SINGLE, END_OF_IMAGE, START_OF_CODESTREAM, ONE_PER_FRAGMENT }

    private final InputStream in;
    private final int frames;
    private final Grouping grouping;
    private final long[] offsets;
    private boolean ended;
    /** Bytes of the pending fragment not yet consumed; -1 when no fragment is pending. */
    private long pending = -1;
    private int pendingFrame;
    private byte[] prefix = new byte[0];
    private int fragmentIndex;
    private int lastFrame = -1;
    private boolean lastEndedWithEoi;
    /** The last frame copied out; frames are read forward only. */
    private int copied = -1;
    /** Offset of the next item tag, counted from the first fragment's item tag (as offset tables count). */
    private long position;

    EncapsulatedFrames(InputStream in, int frames, String transferSyntaxUid, DataSet header) throws IOException {
        this.in = in;
        this.frames = frames;
        byte[] h = Streams.readFully(in, 8);
        if (tag(h) != Tag.Item) {
            throw new PixelDataException("encapsulated Pixel Data does not start with its Basic Offset Table item");
        }
        long botLength = LittleEndian.i32(h, 4) & 0xFFFFFFFFL;
        if (botLength > 16L * 1024 * 1024 || botLength % 4 != 0) {
            throw new PixelDataException("implausible Basic Offset Table length " + botLength);
        }
        byte[] bot = Streams.readFully(in, (int) botLength);
        long[] table = extendedOffsets(header, frames);
        if (table == null && bot.length >= 4 * frames && frames > 1) {
            table = new long[frames];
            for (int k = 0; k < frames; k++) {
                table[k] = LittleEndian.i32(bot, 4 * k) & 0xFFFFFFFFL;
            }
        }
        this.offsets = table;
        String media = CompressedMediaTypes.of(transferSyntaxUid);
        this.grouping = frames == 1 ? Grouping.SINGLE : table != null ? Grouping.OFFSETS
                : media.equals("image/jpeg") || media.equals("image/jls") ? Grouping.END_OF_IMAGE
                : media.startsWith("image/jp") ? Grouping.START_OF_CODESTREAM : Grouping.ONE_PER_FRAGMENT;
    }

    private static long[] extendedOffsets(DataSet header, int frames) {
        byte[] eot = header.getBytes(Tag.ExtendedOffsetTable);
        if (eot == null || eot.length < 8L * frames || frames <= 1) {
            return null;
        }
        long[] t = new long[frames];
        for (int k = 0; k < frames; k++) {
            t[k] = LittleEndian.i64(eot, 8 * k);
        }
        return t;
    }

    /** Copies frame {@code frame} (0-based; not before a frame already read) to {@code out}. */
    public void copyFrame(int frame, OutputStream out) throws IOException {
        if (frame <= copied) {
            throw new IllegalStateException("frame " + (frame + 1) + " is before the stream's position");
        }
        while (advance() && pendingFrame < frame) {
            consume(null);
        }
        boolean found = false;
        while (advance() && pendingFrame == frame) {
            consume(out);
            found = true;
        }
        copied = frame;
        if (!found) {
            throw new PixelDataException("frame " + (frame + 1) + " of " + frames + " is not in the encapsulated Pixel Data ("
                    + fragmentIndex + " fragments)");
        }
    }

    /** Frame {@code frame}'s encoded bytes (its fragments concatenated); for a decoder. */
    public byte[] readFrame(int frame) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        copyFrame(frame, b);
        return b.toByteArray();
    }

    /** Reads to the Sequence Delimitation Item, so that what follows the Pixel Data can be read. */
    public void skipToEnd() throws IOException {
        while (advance()) {
            consume(null);
        }
    }

    /** Reads the next fragment's item header unless one is pending; false at the end of the fragments. */
    private boolean advance() throws IOException {
        if (ended) {
            return false;
        }
        if (pending >= 0) {
            return true;
        }
        byte[] h = Streams.readFully(in, 8);
        long len = LittleEndian.i32(h, 4) & 0xFFFFFFFFL;
        if (tag(h) == Tag.SequenceDelimitationItem) {
            ended = true;
            return false;
        }
        if (tag(h) != Tag.Item || len == 0xFFFFFFFFL) {
            throw new PixelDataException("malformed encapsulated Pixel Data: an item of length " + len
                    + " expected at fragment " + (fragmentIndex + 1));
        }
        long itemPosition = position;
        position += 8 + len;
        pending = len;
        prefix = new byte[0];
        boolean first = fragmentIndex == 0;
        pendingFrame = switch (grouping) {
            case SINGLE -> 0;
            case OFFSETS -> frameAt(itemPosition);
            case END_OF_IMAGE -> first ? 0 : lastFrame + (lastEndedWithEoi ? 1 : 0);
            case START_OF_CODESTREAM -> {
                prefix = Streams.readFully(in, (int) Math.min(2, len));
                pending -= prefix.length;
                boolean soc = prefix.length == 2 && (prefix[0] & 0xFF) == 0xFF && (prefix[1] & 0xFF) == 0x4F;
                yield first ? 0 : lastFrame + (soc ? 1 : 0);
            }
            case ONE_PER_FRAGMENT -> fragmentIndex;
        };
        fragmentIndex++;
        return true;
    }

    /** The frame whose offset is the last at or before {@code itemPosition}; -1 before the first. */
    private int frameAt(long itemPosition) {
        int k = Arrays.binarySearch(offsets, itemPosition);
        if (k >= 0) {
            while (k + 1 < offsets.length && offsets[k + 1] == itemPosition) {
                k++;
            }
            return k;
        }
        return -k - 2;
    }

    /** Copies (out not null) or skips the pending fragment, noting whether it ends with End Of Image. */
    private void consume(OutputStream out) throws IOException {
        byte[] tail;
        if (out != null) {
            out.write(prefix);
            tail = copyKeepingTail(pending, out);
        } else if (grouping == Grouping.END_OF_IMAGE) {
            long skip = Math.max(0, pending - 4);
            Streams.skipFully(in, skip);
            tail = Streams.readFully(in, (int) (pending - skip));
        } else {
            Streams.skipFully(in, pending);
            tail = new byte[0];
        }
        lastFrame = pendingFrame;
        lastEndedWithEoi = endsWithEoi(tail);
        pending = -1;
    }

    private byte[] copyKeepingTail(long n, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(Streams.CHUNK, Math.max(n, 1))];
        byte[] tail = new byte[0];
        while (n > 0) {
            int r = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, n));
            if (r <= 0) {
                throw new java.io.EOFException("the stored object ends inside a Pixel Data fragment");
            }
            out.write(chunk, 0, r);
            n -= r;
            if (r >= 4) {
                tail = Arrays.copyOfRange(chunk, r - 4, r);
            } else {
                byte[] t = Arrays.copyOf(tail, tail.length + r);
                System.arraycopy(chunk, 0, t, tail.length, r);
                tail = Arrays.copyOfRange(t, Math.max(0, t.length - 4), t.length);
            }
        }
        return tail;
    }

    private static boolean endsWithEoi(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--; // fragments are padded to an even length
        }
        return n >= 2 && (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
    }

    private static int tag(byte[] h) {
        return LittleEndian.u16(h, 0) << 16 | LittleEndian.u16(h, 2);
    }
}
