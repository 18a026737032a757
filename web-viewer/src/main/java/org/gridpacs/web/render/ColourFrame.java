package org.gridpacs.web.render;

import java.awt.image.BufferedImage;

import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.image.ImagePixel;

/**
 * A colour frame (Samples per Pixel 3) as an RGB image: RGB as it is, YBR_FULL and YBR_FULL_422 converted (PS3.3
 * C.7.6.3.1.2), either planar configuration; samples wider than 8 bits keep their 8 most significant stored bits.
 */
final class ColourFrame {
    private ColourFrame() {
    }

    static BufferedImage toImage(byte[] frame, ImagePixel p) throws NotRenderableException {
        String pi = p.photometricInterpretation();
        int w = p.columns();
        int h = p.rows();
        int n = w * h;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        if ("YBR_FULL_422".equals(pi) && p.bitsAllocated() == 8 && frame.length == 2 * n) {
            // native 4:2:2: Y0 Y1 Cb Cr for each pair of pixels on a row
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int pair = (y * w + x) / 2 * 4;
                    int yy = frame[pair + ((y * w + x) & 1)] & 0xFF;
                    rgb[y * w + x] = ybr(yy, frame[pair + 2] & 0xFF, frame[pair + 3] & 0xFF);
                }
            }
        } else {
            boolean ybr = pi.startsWith("YBR_FULL");
            if (!ybr && !"RGB".equals(pi)) {
                throw new NotRenderableException("photometric interpretation " + pi + " is not rendered");
            }
            for (int i = 0; i < n; i++) {
                int a = sample(frame, p, i, 0);
                int b = sample(frame, p, i, 1);
                int c = sample(frame, p, i, 2);
                rgb[i] = ybr ? ybr(a, b, c) : a << 16 | b << 8 | c;
            }
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    /** Sample {@code s} of pixel {@code i}, reduced to 8 bits. */
    private static int sample(byte[] f, ImagePixel p, int i, int s) {
        int index = p.planarConfiguration() == 1 ? s * p.pixelsPerFrame() + i : 3 * i + s;
        int shift = p.highBit() + 1 - p.bitsStored();
        int drop = Math.max(0, p.bitsStored() - 8);
        long raw = switch (p.bitsAllocated()) {
            case 8 -> f[index] & 0xFF;
            case 16 -> LittleEndian.u16(f, 2 * index);
            default -> LittleEndian.i32(f, 4 * index) & 0xFFFFFFFFL;
        };
        long mask = p.bitsStored() >= 32 ? 0xFFFFFFFFL : (1L << p.bitsStored()) - 1;
        return (int) ((((raw >>> shift) & mask) >>> drop) & 0xFF);
    }

    private static int ybr(int y, int cb, int cr) {
        int r = clamp(y + 1.402 * (cr - 128));
        int g = clamp(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
        int b = clamp(y + 1.772 * (cb - 128));
        return r << 16 | g << 8 | b;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
