package org.gridpacs.dose.grid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

import org.gridpacs.dose.engine.DoseJob;

/**
 * The job as it crosses the grid, as bytes we encode ourselves: Java serialization, deflated (phantoms are mostly
 * runs of equal densities; sent once per worker, so deflate's time is paid once). Tallies go as
 * {@link org.gridpacs.dose.engine.Tally#toCompactBytes()}: general-purpose compression of millions of voxels every
 * round costs seconds.
 */
final class JobBytes {
    private JobBytes() {
    }

    static byte[] encode(DoseJob job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (ObjectOutputStream out = new ObjectOutputStream(new DeflaterOutputStream(bytes, deflater, 1 << 16))) {
            out.writeObject(job);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static DoseJob decode(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new java.util.zip.InflaterInputStream(
                new ByteArrayInputStream(data), new Inflater(), 1 << 16))) {
            return (DoseJob) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("unreadable dose job from the grid: " + e, e);
        }
    }
}
