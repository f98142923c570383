package dev.wxacode.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.EncodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
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
    private static final int QR_MASK_PATTERNS = 8;

    byte[] render(CodeContent content, int width, boolean autoColor, int lineRgb, boolean hyaline) {
        return write(draw(content.text(), width, autoColor, lineRgb, hyaline, null), hyaline);
    }

    /**
     * As {@link #render}, but read back with ZXing first and drawn with another mask pattern if that
     * fails: ZXing's detector misses a few codes in a thousand of its own (a stray pattern passes for
     * a finder), and tests that scan free-form paths must not trip on that. getUnlimited keeps
     * {@link #render}, so its codes and its cost stay as they were.
     */
    byte[] renderScannable(CodeContent content, int width, boolean autoColor, int lineRgb, boolean hyaline) {
        String text = content.text();
        BufferedImage image = draw(text, width, autoColor, lineRgb, hyaline, null);
        if (scans(image, text)) {
            return write(image, hyaline);
        }
        for (int mask = 0; mask < QR_MASK_PATTERNS; mask++) {
            BufferedImage other = draw(text, width, autoColor, lineRgb, hyaline, mask);
            if (scans(other, text)) {
                return write(other, hyaline);
            }
        }
        // no mask helps (a pale line colour, say): WeChat too hands out what it drew
        return write(image, hyaline);
    }

    private static BufferedImage draw(String text, int width, boolean autoColor, int lineRgb, boolean hyaline, Integer mask) {
        Map<EncodeHintType, Object> hints = new HashMap<>(
                Map.of(EncodeHintType.MARGIN, 2, EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M));
        // ZXing writes ISO-8859-1 unless told otherwise, which garbles a Chinese path; only such
        // text gets UTF-8 (with its ECI marker), so every other code stays bit for bit as it was
        if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        if (mask != null) {
            hints.put(EncodeHintType.QR_MASK_PATTERN, mask);
        }
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, width, width, hints);
        } catch (WriterException e) {
            throw new IllegalStateException("cannot encode " + text, e);
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
        return image;
    }

    private static boolean scans(BufferedImage image, String text) {
        try {
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            return text.equals(new MultiFormatReader().decode(bitmap).getText());
        } catch (ReaderException e) {
            return false;
        }
    }

    private static byte[] write(BufferedImage image, boolean hyaline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, hyaline ? "png" : "jpg", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
