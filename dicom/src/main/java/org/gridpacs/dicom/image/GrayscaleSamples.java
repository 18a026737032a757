package org.gridpacs.dicom.image;

/**
 * Stored values of a decoded monochrome frame: each sample's Bits Stored bits taken from below High Bit, sign
 * extended when Pixel Representation is 1 (PS3.5 8.1.1), so values outside the stored bits (overlays, garbage) are
 * gone.
 */
public final class GrayscaleSamples {
    private GrayscaleSamples() {
    }

    /**
     * @param nativeFrame a frame as {@link FrameDecoder} returns it
     * @return one stored value per pixel, row after row; for unsigned 16-bit data read each as {@code v & 0xFFFF}
     */
    public static short[] toShorts(byte[] nativeFrame, ImagePixel p) throws PixelDataException {
        if (p.samplesPerPixel() != 1) {
            throw new PixelDataException("not a monochrome image: Samples per Pixel " + p.samplesPerPixel());
        }
        if (p.bitsAllocated() != 8 && p.bitsAllocated() != 16) {
            throw new PixelDataException("monochrome samples of " + p.bitsAllocated() + " bits are not read as 16-bit");
        }
        int n = p.pixelsPerFrame();
        if (nativeFrame.length < p.frameLength()) {
            throw new PixelDataException("frame of " + nativeFrame.length + " bytes, " + p.frameLength() + " expected");
        }
        short[] out = new short[n];
        int shift = p.highBit() + 1 - p.bitsStored();
        int mask = (1 << p.bitsStored()) - 1;
        int signBit = 1 << (p.bitsStored() - 1);
        boolean signed = p.signed();
        boolean wide = p.bitsAllocated() == 16;
        for (int i = 0; i < n; i++) {
            int raw = wide ? (nativeFrame[2 * i] & 0xFF) | (nativeFrame[2 * i + 1] & 0xFF) << 8 : nativeFrame[i] & 0xFF;
            int v = (raw >>> shift) & mask;
            if (signed && (v & signBit) != 0) {
                v -= mask + 1;
            }
            out[i] = (short) v;
        }
        return out;
    }
}
