import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class Stats {
    public long total(int[] cents) {
        Long sum = 0L;
        for (int c : cents) {
            sum += c; // hotpath-expect
        }
        return sum;
    }

    public List<Integer> squares(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i * i); // hotpath-expect
        }
        return out;
    }

    public Map<Integer, Integer> histogram(int[] values) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int v : values) {
            counts.merge(v, 1, Integer::sum); // hotpath-expect
        }
        return counts;
    }
}
