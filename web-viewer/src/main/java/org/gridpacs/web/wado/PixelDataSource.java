package org.gridpacs.web.wado;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.web.pixels.StoredPixelData;

/**
 * The frames of one instance, in whatever order they are asked for: frames after the last one read come from the
 * same forward read of the stored copy; an earlier (or repeated) one opens the copy again. Writes each frame as
 * the {@link FrameRendition} says.
 */
final class PixelDataSource implements Closeable {
    private final RetrieveService retrieve;
    private final IndexedInstance instance;
    private StoredPixelData current;
    private int last = -1;

    /** Takes over {@code opened}, the instance's Pixel Data opened before the answer started. */
    PixelDataSource(RetrieveService retrieve, IndexedInstance instance, StoredPixelData opened) {
        this.retrieve = retrieve;
        this.instance = instance;
        this.current = opened;
    }

    /** The bytes {@code frames} frames are likely to take, as {@code rendition} says: 0 when not known. */
    long expectedBytes(FrameRendition rendition, int frames) {
        return rendition.mode() == FrameRendition.Mode.AS_STORED ? 0 : (long) current.frameBytes() * frames;
    }

    /** Writes frame {@code frame} (0-based) as {@code rendition} says. */
    void writeFrame(int frame, FrameRendition rendition, OutputStream out) throws IOException {
        if (frame <= last) {
            current.close();
            current = null;
            current = StoredPixelData.open(retrieve.open(instance));
        }
        last = frame;
        switch (rendition.mode()) {
            case NATIVE -> current.copyNativeFrame(frame, out);
            case AS_STORED -> current.fragments().copyFrame(frame, out);
            case DECODED -> out.write(current.frame(frame));
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
