package org.gridpacs.web.pixels;

import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;

/** One compressed frame decoded by {@link FrameDecoder} (RLE, lossless JPEG), apart from the rest of its instance. */
public final class FrameDecoding {
    private static final int[] IMAGE_PIXEL = {Tag.SamplesPerPixel, Tag.PhotometricInterpretation,
        Tag.PlanarConfiguration, Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.BitsStored, Tag.HighBit,
        Tag.PixelRepresentation};

    private FrameDecoding() {
    }

    /**
     * One frame's encoded bytes (its fragments concatenated) decoded to native little endian: given to the decoder
     * as the only frame of a data set holding the header's Image Pixel attributes.
     */
    public static byte[] decode(DataSet header, String transferSyntaxUid, byte[] encoded) throws IOException {
        DataSet one = new DataSet();
        for (int tag : IMAGE_PIXEL) {
            if (header.contains(tag)) {
                one.setValue(tag, header.vrOf(tag), header.getValue(tag));
            }
        }
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(encoded);
        one.setValue(Tag.PixelData, VR.OB, f);
        return FrameDecoder.decode(one, transferSyntaxUid, 0);
    }
}
