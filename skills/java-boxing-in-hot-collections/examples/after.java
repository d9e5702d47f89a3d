import java.util.ArrayList;
import java.util.List;

public class Stats {
    public long total(int[] cents) {
        long sum = 0L;
        for (int c : cents) {
            sum += c;
        }
        return sum;
    }

    public int[] squares(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * i;
        }
        return out;
    }

    public List<String> names(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            out.add(r.trim());
        }
        return out;
    }
}
