package org.gridpacs.web.render;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.image.GrayscaleSamples;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.image.PixelDataException;

/**
 * The modality values of a monochrome frame (PS3.3 C.11.1): each stored value times Rescale Slope plus Rescale
 * Intercept, or for an RT Dose times Dose Grid Scaling (PS3.3 C.8.8.3: the dose in Dose Units). A Modality LUT
 * Sequence is not applied (rare outside old X-ray; the rescale, when present, still is).
 */
final class ModalityValues {
    private ModalityValues() {
    }

    static boolean isDose(DataSet header) {
        return UID.RTDoseStorage.equals(header.getString(Tag.SOPClassUID));
    }

    static double[] of(byte[] frame, ImagePixel p, DataSet header) throws PixelDataException {
        double slope;
        double intercept;
        if (isDose(header)) {
            slope = number(header, Tag.DoseGridScaling, 1);
            intercept = 0;
        } else {
            slope = number(header, Tag.RescaleSlope, 1);
            intercept = number(header, Tag.RescaleIntercept, 0);
        }
        if (slope == 0 || !Double.isFinite(slope)) {
            slope = 1; // a zero slope would blank the image; treat it as absent
        }
        double[] stored = storedValues(frame, p);
        for (int i = 0; i < stored.length; i++) {
            stored[i] = stored[i] * slope + intercept;
        }
        return stored;
    }

    private static double number(DataSet header, int tag, double absent) {
        try {
            return header.getDouble(tag, absent);
        } catch (NumberFormatException e) {
            return absent; // a malformed DS is taken as absent rather than refusing to show the image
        }
    }

    /** The stored values, sign extended when Pixel Representation is 1. */
    static double[] storedValues(byte[] frame, ImagePixel p) throws PixelDataException {
        int n = p.pixelsPerFrame();
        double[] v = new double[n];
        switch (p.bitsAllocated()) {
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (frame[i >>> 3] >>> (i & 7)) & 1;
                }
            }
            case 8, 16 -> {
                short[] s = GrayscaleSamples.toShorts(frame, p);
                for (int i = 0; i < n; i++) {
                    v[i] = p.signed() ? s[i] : s[i] & 0xFFFF;
                }
            }
            case 32 -> {
                if (frame.length < 4L * n) {
                    throw new PixelDataException("frame of " + frame.length + " bytes, " + 4L * n + " expected");
                }
                int shift = p.highBit() + 1 - p.bitsStored();
                long mask = p.bitsStored() == 32 ? 0xFFFFFFFFL : (1L << p.bitsStored()) - 1;
                long signBit = 1L << (p.bitsStored() - 1);
                for (int i = 0; i < n; i++) {
                    long x = ((LittleEndian.i32(frame, 4 * i) & 0xFFFFFFFFL) >>> shift) & mask;
                    if (p.signed() && (x & signBit) != 0) {
                        x -= mask + 1;
                    }
                    v[i] = x;
                }
            }
            default -> throw new PixelDataException("monochrome samples of " + p.bitsAllocated() + " bits");
        }
        return v;
    }
}
