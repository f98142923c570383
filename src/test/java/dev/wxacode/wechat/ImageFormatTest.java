package dev.wxacode.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.imageio.ImageIO;

import dev.wxacode.core.ImageFormat;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] render(String format) throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xFFFFFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    @Test
    void jpegMagicIsDetectedAsJpeg() {
        Optional<ImageFormat> format = ImageFormat.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00));

        assertEquals(Optional.of(ImageFormat.JPEG), format);
        assertEquals("image/jpeg", format.get().contentType());
    }

    @Test
    void pngMagicIsDetectedAsPng() {
        Optional<ImageFormat> format = ImageFormat.detect(bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A));

        assertEquals(Optional.of(ImageFormat.PNG), format);
        assertEquals("image/png", format.get().contentType());
    }

    @Test
    void wechatJsonErrorBodyIsNotAnImage() {
        byte[] body = "{\"errcode\":40001,\"errmsg\":\"invalid credential\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals(Optional.empty(), ImageFormat.detect(body));
    }

    @Test
    void emptyAndNullAreNotImages() {
        assertEquals(Optional.empty(), ImageFormat.detect(new byte[0]));
        assertEquals(Optional.empty(), ImageFormat.detect(null));
    }

    @Test
    void truncatedJpegPrefixIsNotAnImage() {
        assertEquals(Optional.empty(), ImageFormat.detect(bytes(0xFF, 0xD8)));
    }

    @Test
    void truncatedPngPrefixIsNotAnImage() {
        assertEquals(Optional.empty(), ImageFormat.detect(bytes(0x89, 0x50, 0x4E)));
    }

    @Test
    void realJpegFromImageIoIsDetected() throws IOException {
        assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.detect(render("jpg")));
    }

    @Test
    void realPngFromImageIoIsDetected() throws IOException {
        assertEquals(Optional.of(ImageFormat.PNG), ImageFormat.detect(render("png")));
    }
}
