// The search's Web Worker (a module worker, started by embed.js from the site's own folder):
// it loads the model and embeds the queries, so the page never waits on onnxruntime.
import { serve } from "./model.js";

serve(self);
