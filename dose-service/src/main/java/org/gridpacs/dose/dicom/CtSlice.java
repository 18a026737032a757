package org.gridpacs.dose.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * One decoded CT slice as {@link CtSeriesReader} keeps it: stored pixel values turned to rows along +x and columns
 * along +y, the patient position of that first pixel, and the slice's own rescale. The pixels live outside the Java
 * heap (a direct buffer) so that the phantom built from a whole series (5 bytes per voxel on the heap) fits beside
 * them: 512 x 512 x 300 slices are 157 MB of pixels plus a 393 MB phantom.
 */
final class CtSlice {
    final String name;
    final String sopInstanceUid;
    /** Image Position (Patient) of the pixel at the (-x, -y) corner, mm. */
    final double x;
    final double y;
    final double z;
    final double slope;
    final double intercept;
    final boolean signed;
    private final ShortBuffer pixels;

    CtSlice(String name, String sopInstanceUid, double x, double y, double z, double slope, double intercept,
            boolean signed, short[] values) {
        this.name = name;
        this.sopInstanceUid = sopInstanceUid;
        this.x = x;
        this.y = y;
        this.z = z;
        this.slope = slope;
        this.intercept = intercept;
        this.signed = signed;
        this.pixels = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
        pixels.put(values).flip();
    }

    /** Stored values, row after row, into {@code row} (reused by the caller). */
    void copyTo(short[] into) {
        pixels.get(0, into);
    }
}
