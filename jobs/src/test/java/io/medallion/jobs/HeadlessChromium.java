package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Renders a page in headless Chromium and returns the screenshot's colours; the calling test is
 * skipped, saying why, where Chromium is not installed. The network flags keep Chromium from its
 * own background connections, so what the page loads is all it asks for.
 */
public final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** The browser: CHROMIUM, or chromium on the PATH; null when there is none. */
    public static String browser() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return null;
    }

    /** The distinct colours of a 1200 x {@code height} screenshot of {@code page}, sampled every third pixel. */
    public static Set<Integer> screenshotColours(Path page, Path workDir, int height)
            throws IOException, InterruptedException {
        String browser = browser();
        assumeTrue(browser != null, "Chromium is not installed (Debian package chromium; .ci/run installs it), "
                + "so the page's rendering is not checked here");
        Path png = workDir.resolve(page.getFileName() + ".png");
        Path log = workDir.resolve(page.getFileName() + ".chromium.log");
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(workDir, "chromium"), "--hide-scrollbars",
                "--window-size=1200," + height, "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).as("screenshot; chromium said: %s", Files.readString(log)).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours;
    }
}
