package org.gridpacs.dicom.image;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * The Image Pixel module attributes (PS3.3 C.7.6.3) that say how a frame's samples are laid out, plus Number of
 * Frames.
 *
 * @param planarConfiguration 0: samples of a pixel together; 1: one plane per sample (colour only)
 * @param pixelRepresentation 0 unsigned, 1 two's complement
 */
public record ImagePixel(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, int highBit,
                         int pixelRepresentation, int planarConfiguration, int frames, String photometricInterpretation) {

    public static ImagePixel of(DataSet ds) throws PixelDataException {
        int rows = ds.getInt(Tag.Rows, 0);
        int columns = ds.getInt(Tag.Columns, 0);
        int bitsAllocated = ds.getInt(Tag.BitsAllocated, 0);
        if (rows <= 0 || columns <= 0) {
            throw new PixelDataException("no image: Rows " + rows + ", Columns " + columns);
        }
        if (bitsAllocated != 1 && bitsAllocated % 8 != 0 || bitsAllocated <= 0 || bitsAllocated > 32) {
            throw new PixelDataException("Bits Allocated " + bitsAllocated + " is not 8, 16 or 32");
        }
        int bitsStored = ds.getInt(Tag.BitsStored, bitsAllocated);
        int highBit = ds.getInt(Tag.HighBit, bitsStored - 1);
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
            throw new PixelDataException("inconsistent Bits Allocated " + bitsAllocated + ", Bits Stored " + bitsStored
                    + ", High Bit " + highBit);
        }
        int samples = ds.getInt(Tag.SamplesPerPixel, 1);
        if (samples != 1 && samples != 3) {
            throw new PixelDataException("Samples per Pixel " + samples + " is not 1 or 3");
        }
        return new ImagePixel(rows, columns, samples, bitsAllocated, bitsStored, highBit,
                ds.getInt(Tag.PixelRepresentation, 0), ds.getInt(Tag.PlanarConfiguration, 0),
                Math.max(1, ds.getInt(Tag.NumberOfFrames, 1)), ds.getString(Tag.PhotometricInterpretation, ""));
    }

    public int pixelsPerFrame() {
        return rows * columns;
    }

    /** Bytes of one frame in its native (uncompressed) form. */
    public int frameLength() {
        if (bitsAllocated == 1) {
            return (pixelsPerFrame() * samplesPerPixel + 7) / 8;
        }
        return pixelsPerFrame() * samplesPerPixel * (bitsAllocated / 8);
    }

    public boolean signed() {
        return pixelRepresentation == 1;
    }
}
