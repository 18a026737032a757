package org.gridpacs.web.render;

/**
 * Where the rendered image goes (PS3.18 8.3.5.1.3 {@code viewport=vw,vh[,sx,sy,sw,sh]}): the source region of the
 * image (all of it when absent; a negative width or height flips it) scaled, keeping its aspect ratio, to fit a
 * viewport of {@code width} x {@code height} pixels. The answer is the scaled region itself (not padded to the
 * viewport). {@code upscale} false keeps a region smaller than the viewport at its size (thumbnails).
 *
 * @param width  viewport columns, or 0: the region's own width (scaled as the height asks, when given)
 * @param height viewport rows, or 0: likewise
 * @param region the source region in image pixels, or null for the whole image
 */
public record Viewport(int width, int height, Region region, boolean upscale) {
    /** The largest viewport side: an image is held in memory whole (4096 x 4096 RGB is 64 MiB). */
    public static final int MAX_SIZE = 4096;

    /**
     * A source region: top-left corner and size in image pixels, or with {@code relative} in fractions of the
     * image's columns and rows (WADO-URI); a negative size flips that axis.
     */
    public record Region(double x, double y, double width, double height, boolean relative) {

        /** In pixels of an image of {@code columns} x {@code rows}. */
        public Region inPixels(int columns, int rows) {
            return relative ? new Region(x * columns, y * rows, width * columns, height * rows, false) : this;
        }
    }

    public Viewport {
        if (width < 0 || height < 0 || width > MAX_SIZE || height > MAX_SIZE) {
            throw new IllegalArgumentException("viewport size " + width + "x" + height + " is not within 0.."
                    + MAX_SIZE);
        }
    }

    /**
     * Parses {@code vw,vh[,sx,sy,sw,sh]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Viewport parse(String value) {
        String[] p = value.split(",", -1);
        if (p.length != 2 && p.length != 6) {
            throw new IllegalArgumentException("viewport must be vw,vh or vw,vh,sx,sy,sw,sh; got \"" + value + "\"");
        }
        int vw = positive(p[0], "vw");
        int vh = positive(p[1], "vh");
        Region r = null;
        if (p.length == 6) {
            double sx = number(p[2], "sx");
            double sy = number(p[3], "sy");
            double sw = number(p[4], "sw");
            double sh = number(p[5], "sh");
            if (sx < 0 || sy < 0 || sw == 0 || sh == 0) {
                throw new IllegalArgumentException("viewport source region " + p[2] + "," + p[3] + "," + p[4] + ","
                        + p[5] + " is empty or starts before the image");
            }
            r = new Region(sx, sy, sw, sh, false);
        }
        return new Viewport(vw, vh, r, true);
    }

    /** The default thumbnail: the image fitted into {@code size} x {@code size}. */
    public static Viewport thumbnail(int size) {
        return new Viewport(size, size, null, true);
    }

    private static int positive(String s, String what) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v <= 0 || v > MAX_SIZE) {
                throw new IllegalArgumentException("viewport " + what + " " + v + " is not within 1.." + MAX_SIZE);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("viewport " + what + " \"" + s.trim() + "\" is not a whole number");
        }
    }

    private static double number(String s, String what) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("viewport " + what + " \"" + s.trim() + "\" is not a number");
        }
    }
}
