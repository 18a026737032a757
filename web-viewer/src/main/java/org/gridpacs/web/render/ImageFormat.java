package org.gridpacs.web.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import java.awt.image.BufferedImage;

import org.gridpacs.web.media.MediaType;

/** The media types rendered images are given in (PS3.18 8.7.4: JPEG the default, PNG and GIF), encoded by ImageIO. */
public enum ImageFormat {
    JPEG("image/jpeg", "jpeg"), PNG("image/png", "png"), GIF("image/gif", "gif");

    public static final int DEFAULT_QUALITY = 90;

    private final String mediaType;
    private final String imageIoName;

    ImageFormat(String mediaType, String imageIoName) {
        this.mediaType = mediaType;
        this.imageIoName = imageIoName;
    }

    public String mediaType() {
        return mediaType;
    }

    /** "image/jpeg, image/png, image/gif": for refusals. */
    public static String names() {
        return String.join(", ", List.of(values()).stream().map(ImageFormat::mediaType).toList());
    }

    /** The first format {@code range} includes (image/* and * / * give JPEG), or null. */
    public static ImageFormat includedIn(MediaType range) {
        for (ImageFormat f : values()) {
            if (range.includes(MediaType.parse(f.mediaType))) {
                return f;
            }
        }
        return null;
    }

    /** Encodes {@code image}; {@code quality} 1..100 applies to JPEG. */
    public byte[] encode(BufferedImage image, int quality) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(imageIoName);
        if (!writers.hasNext()) {
            throw new IOException("no ImageIO writer for " + mediaType);
        }
        ImageWriter w = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam param = w.getDefaultWriteParam();
            if (this == JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(Math.max(1, Math.min(100, quality)) / 100f);
            }
            w.write(null, new IIOImage(image, null, null), param);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }
}
