package dev.wxacode.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * Draws a real, scannable code with ZXing. A square QR code rather than WeChat's round one, but
 * with the same inputs and outputs: width, line colour, transparent background; JPEG normally,
 * PNG when transparent.
 */
final class CodeRenderer {

    /** Not WeChat's exact choice, but dark enough to scan, as WeChat's are. */
    private static final int AUTO_COLOR_RGB = 0x0B6E3A;

    byte[] render(CodeContent content, int width, boolean autoColor, int lineRgb, boolean hyaline) {
        String text = content.text();
        Map<EncodeHintType, Object> hints = new HashMap<>(
                Map.of(EncodeHintType.MARGIN, 2, EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M));
        // ZXing writes ISO-8859-1 unless told otherwise, which garbles a Chinese path; only such
        // text gets UTF-8 (with its ECI marker), so every other code stays bit for bit as it was
        if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, width, width, hints);
        } catch (WriterException e) {
            throw new IllegalStateException("cannot encode " + content, e);
        }
        int line = 0xFF000000 | (autoColor ? AUTO_COLOR_RGB : lineRgb);
        int background = hyaline ? 0x00000000 : 0xFFFFFFFF;
        BufferedImage image = new BufferedImage(matrix.getWidth(), matrix.getHeight(),
                hyaline ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                image.setRGB(x, y, matrix.get(x, y) ? line : background);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, hyaline ? "png" : "jpg", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
