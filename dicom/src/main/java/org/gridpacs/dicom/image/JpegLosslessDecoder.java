package org.gridpacs.dicom.image;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

/**
 * Lossless JPEG (ITU-T T.81 process 14, any predictor, 2-16 bit precision) frame decoder: TwelveMonkeys' JPEG
 * reader, called directly (not through the ImageIO registry, whose JDK reader cannot decode lossless JPEG). Samples
 * come out as the JPEG stored them (the bit pattern of Bits Stored bits); no colour transform is applied.
 */
final class JpegLosslessDecoder {
    private static final ImageReaderSpi SPI = twelveMonkeysSpi();

    private JpegLosslessDecoder() {
    }

    /**
     * TwelveMonkeys' reader provider as registered with ImageIO (registration gives it the JDK reader it delegates
     * lossy JPEG to), registering it when the class path scan did not (another class loader).
     */
    private static ImageReaderSpi twelveMonkeysSpi() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        ImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        if (spi == null) {
            spi = new JPEGImageReaderSpi();
            registry.registerServiceProvider(spi, ImageReaderSpi.class);
        }
        return spi;
    }

    static byte[] decode(byte[] frame, ImagePixel p) throws PixelDataException {
        Raster raster;
        ImageReader reader = null;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(frame))) {
            reader = SPI.createReaderInstance(null);
            reader.setInput(in);
            raster = reader.readRaster(0, null);
        } catch (IOException | RuntimeException e) {
            throw new PixelDataException("lossless JPEG frame cannot be decoded: " + e.getMessage(), e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
        if (raster.getWidth() != p.columns() || raster.getHeight() != p.rows()
                || raster.getNumBands() != p.samplesPerPixel()) {
            throw new PixelDataException("lossless JPEG frame is " + raster.getWidth() + "x" + raster.getHeight() + "x"
                    + raster.getNumBands() + ", the data set says " + p.columns() + "x" + p.rows() + "x"
                    + p.samplesPerPixel());
        }
        int bytesPerSample = p.bitsAllocated() / 8;
        if (bytesPerSample != 1 && bytesPerSample != 2) {
            throw new PixelDataException("lossless JPEG with Bits Allocated " + p.bitsAllocated() + " is not decoded");
        }
        int w = p.columns();
        int h = p.rows();
        int bands = p.samplesPerPixel();
        byte[] out = new byte[p.frameLength()];
        int[] row = new int[w];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, b, row);
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int sampleIndex = p.planarConfiguration() == 1 && bands > 1 ? b * w * h + i : i * bands + b;
                    int off = sampleIndex * bytesPerSample;
                    out[off] = (byte) row[x];
                    if (bytesPerSample == 2) {
                        out[off + 1] = (byte) (row[x] >> 8);
                    }
                }
            }
        }
        return out;
    }
}
