package org.gridpacs.web.render;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Crops, flips and scales a rendered frame into its {@link Viewport}. */
final class Scaler {
    private Scaler() {
    }

    /**
     * @throws IllegalArgumentException for a region outside the image
     */
    static BufferedImage apply(BufferedImage src, Viewport v) {
        if (v == null) {
            return src;
        }
        Viewport.Region r = v.region() != null ? v.region().inPixels(src.getWidth(), src.getHeight())
                : new Viewport.Region(0, 0, src.getWidth(), src.getHeight(), false);
        double x0 = r.x();
        double y0 = r.y();
        double x1 = r.x() + r.width();
        double y1 = r.y() + r.height();
        double left = Math.min(x0, x1);
        double top = Math.min(y0, y1);
        double right = Math.min(Math.max(x0, x1), src.getWidth());
        double bottom = Math.min(Math.max(y0, y1), src.getHeight());
        if (left >= src.getWidth() || top >= src.getHeight() || right - left < 1e-6 || bottom - top < 1e-6) {
            throw new IllegalArgumentException("the region " + fmt(r) + " is outside the image of " + src.getWidth()
                    + "x" + src.getHeight() + " pixels");
        }
        double rw = right - left;
        double rh = bottom - top;
        double scale;
        if (v.width() > 0 && v.height() > 0) {
            scale = Math.min(v.width() / rw, v.height() / rh);
        } else if (v.width() > 0) {
            scale = v.width() / rw;
        } else if (v.height() > 0) {
            scale = v.height() / rh;
        } else {
            scale = 1;
        }
        if (!v.upscale()) {
            scale = Math.min(scale, 1);
        }
        int outW = Math.max(1, (int) Math.round(rw * scale));
        int outH = Math.max(1, (int) Math.round(rh * scale));
        boolean flipX = r.width() < 0;
        boolean flipY = r.height() < 0;
        if (!flipX && !flipY && left == 0 && top == 0 && outW == src.getWidth() && outH == src.getHeight()
                && rw == src.getWidth() && rh == src.getHeight()) {
            return src;
        }
        BufferedImage out = new BufferedImage(outW, outH, src.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, scale < 1
                    ? RenderingHints.VALUE_INTERPOLATION_BILINEAR : RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            int dx0 = flipX ? outW : 0;
            int dx1 = flipX ? 0 : outW;
            int dy0 = flipY ? outH : 0;
            int dy1 = flipY ? 0 : outH;
            g.drawImage(src, dx0, dy0, dx1, dy1, (int) Math.floor(left), (int) Math.floor(top),
                    (int) Math.ceil(right), (int) Math.ceil(bottom), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String fmt(Viewport.Region r) {
        return r.x() + "," + r.y() + "," + r.width() + "," + r.height();
    }
}
