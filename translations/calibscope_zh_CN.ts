<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>cs::app::AnalysisPage</name>
    <message>
        <source>Compare observers</source>
        <translation>比较观察器</translation>
    </message>
    <message>
        <source>Observer heat map</source>
        <translation>观察器热力图</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Error propagation</source>
        <translation>误差传播</translation>
    </message>
    <message>
        <source>Evaluated %1 images in %2 s</source>
        <translation>已在 %2 秒内评估 %1 张图像</translation>
    </message>
    <message>
        <source>Evaluation cancelled</source>
        <translation>评估已取消</translation>
    </message>
    <message>
        <source>Use %1 for %2</source>
        <translation>为 %2 使用 %1</translation>
    </message>
    <message numerus="yes">
        <source>Keep %n most sensitive point(s) in float</source>
        <translation>
            <numerusform>将 %n 个最敏感的量化点保持为浮点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Quantize %n most sensitive point(s) to qint16</source>
        <translation>
            <numerusform>将 %n 个最敏感的量化点量化为 qint16</numerusform>
        </translation>
    </message>
    <message>
        <source>Validation data</source>
        <translation>验证数据</translation>
    </message>
    <message>
        <source>Evaluation needs a calibration: calibrate or open a session first.</source>
        <translation>评估需要校准结果：请先校准或打开一个会话。</translation>
    </message>
    <message>
        <source>Evaluating on %1</source>
        <translation>正在 %1 上评估</translation>
    </message>
    <message>
        <source>%1 · %2 % · %3 left</source>
        <translation>%1 · %2 % · 剩余 %3</translation>
    </message>
    <message>
        <source>Evaluating: preparing</source>
        <translation>正在评估：准备中</translation>
    </message>
    <message>
        <source>Evaluating: %1</source>
        <translation>正在评估：%1</translation>
    </message>
    <message>
        <source>Evaluating: float and quantized (phase %1 of %2)</source>
        <translation>正在评估：浮点与量化（第 %1 阶段，共 %2 个）</translation>
    </message>
    <message>
        <source>Evaluating: accuracy table (phase %1 of %2)</source>
        <translation>正在评估：准确率表（第 %1 阶段，共 %2 个）</translation>
    </message>
    <message>
        <source>Evaluating: sensitivity (phase %1 of %2)</source>
        <translation>正在评估：敏感度（第 %1 阶段，共 %2 个）</translation>
    </message>
    <message>
        <source>The validation data is preprocessed differently from the calibration data (%1 vs %2).</source>
        <translation>验证数据的预处理与校准数据不同（%1 对比 %2）。</translation>
    </message>
    <message>
        <source>Float accuracy near chance (%1 % with %2 classes): check preprocessing and labels.</source>
        <translation>浮点准确率接近随机猜测（%1 %，共 %2 类）：请检查预处理和标签。</translation>
    </message>
</context>
<context>
    <name>cs::app::AppMenus</name>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>没有最近打开的文件</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>cs::app::CalibrationWorkflow</name>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Calibrating</source>
        <translation>正在校准</translation>
    </message>
    <message>
        <source>Calibration cancelled</source>
        <translation>校准已取消</translation>
    </message>
    <message numerus="yes">
        <source>Re-running the calibration for %n edited point(s)</source>
        <translation>
            <numerusform>正在为 %n 个已编辑的量化点重新运行校准</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>Preparing the demo model</source>
        <translation>正在准备演示模型</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Calibration needs a model and a dataset: open them first (File menu).</source>
        <translation>校准需要模型和数据集：请先打开它们（文件菜单）。</translation>
    </message>
    <message>
        <source>Calibrating %1</source>
        <translation>正在校准 %1</translation>
    </message>
    <message>
        <source>Calibrated %1 points on %2 images in %3 s (%4 images/s)</source>
        <translation>已在 %2 张图像上校准 %1 个量化点，用时 %3 秒（%4 张/秒）</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>正在打开 %1</translation>
    </message>
    <message>
        <source>Saving %1</source>
        <translation>正在保存 %1</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>calibscope sessions (*.cscope)</source>
        <translation>calibscope 会话 (*.cscope)</translation>
    </message>
</context>
<context>
    <name>cs::app::CompareSessionDialog</name>
    <message>
        <source>Compare With Session</source>
        <translation>与会话比较</translation>
    </message>
    <message>
        <source>the open calibration</source>
        <translation>当前打开的校准</translation>
    </message>
    <message>
        <source>cannot compare</source>
        <translation>无法比较</translation>
    </message>
    <message>
        <source>Compare With Session…</source>
        <translation>与会话比较…</translation>
    </message>
    <message>
        <source>Compare with session</source>
        <translation>与会话比较</translation>
    </message>
    <message>
        <source>calibscope sessions (*.cscope);;All files (*)</source>
        <translation>calibscope 会话 (*.cscope);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>cs::app::ConvergenceController</name>
    <message>
        <source>Convergence</source>
        <translation>收敛</translation>
    </message>
</context>
<context>
    <name>cs::app::DatasetDialog</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Calibration dataset</source>
        <translation>校准数据集</translation>
    </message>
    <message>
        <source>Recent datasets…</source>
        <translation>最近使用的数据集…</translation>
    </message>
    <message>
        <source>image folder, IDX file, .npy or .pt tensor</source>
        <translation>图像文件夹、IDX 文件、.npy 或 .pt 张量</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>optional; IDX: found beside the images</source>
        <translation>可选；IDX：自动使用图像旁的标签文件</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Path:</source>
        <translation>路径：</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>First sample:</source>
        <translation>起始样本：</translation>
    </message>
    <message>
        <source>Samples:</source>
        <translation>样本数：</translation>
    </message>
    <message>
        <source>Decode images as grayscale</source>
        <translation>按灰度图解码图像</translation>
    </message>
    <message>
        <source>automatic (1/255 for 8-bit data)</source>
        <translation>自动（8 位数据为 1/255）</translation>
    </message>
    <message>
        <source>e.g. 0.485, 0.456, 0.406</source>
        <translation>例如 0.485, 0.456, 0.406</translation>
    </message>
    <message>
        <source>e.g. 0.229, 0.224, 0.225</source>
        <translation>例如 0.229, 0.224, 0.225</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>Colour order:</source>
        <translation>颜色顺序：</translation>
    </message>
    <message>
        <source>Resize to:</source>
        <translation>缩放到：</translation>
    </message>
    <message>
        <source>Resize shorter side:</source>
        <translation>短边缩放到：</translation>
    </message>
    <message>
        <source>Center crop:</source>
        <translation>中心裁剪：</translation>
    </message>
    <message>
        <source>Scale:</source>
        <translation>缩放系数：</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>均值：</translation>
    </message>
    <message>
        <source>Std:</source>
        <translation>标准差：</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Number of batches:</source>
        <translation>批次数：</translation>
    </message>
    <message>
        <source>Image folder</source>
        <translation>图像文件夹</translation>
    </message>
    <message>
        <source>Dataset file</source>
        <translation>数据集文件</translation>
    </message>
    <message>
        <source>Datasets (*.gz *-ubyte *.idx *.npy *.pt *.pth);;All files (*)</source>
        <translation>数据集 (*.gz *-ubyte *.idx *.npy *.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>scale %1</source>
        <translation>缩放 %1</translation>
    </message>
    <message>
        <source>scale automatic</source>
        <translation>缩放 自动</translation>
    </message>
    <message>
        <source>mean %1</source>
        <translation>均值 %1</translation>
    </message>
    <message>
        <source>std %1</source>
        <translation>标准差 %1</translation>
    </message>
    <message>
        <source>Image folder: its images are counted when it is read.</source>
        <translation>图像文件夹：读取时才统计其中的图像。</translation>
    </message>
    <message>
        <source>%1 samples of %2, labelled</source>
        <translation>%1 个形状为 %2 的样本，有标签</translation>
    </message>
    <message>
        <source>%1 samples of %2, no labels</source>
        <translation>%1 个形状为 %2 的样本，无标签</translation>
    </message>
    <message>
        <source>Differs from the calibration data's preprocessing (%1).</source>
        <translation>与校准数据的预处理不同（%1）。</translation>
    </message>
</context>
<context>
    <name>cs::app::DocumentHeader</name>
    <message>
        <source>No model loaded. Use File ▸ Open Model…, File ▸ Load Demo or File ▸ Open Session….</source>
        <translation>未加载模型。请使用 文件 ▸ 打开模型…、文件 ▸ 加载演示 或 文件 ▸ 打开会话…。</translation>
    </message>
    <message>
        <source>Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters</source>
        <translation>模型：%1 — %2 个算子，%3 个激活量化点，%4 个权重量化点，%5 个参数</translation>
    </message>
    <message>
        <source>Demo: Fashion-MNIST CNN, float test accuracy %1 %</source>
        <translation>演示：Fashion-MNIST 卷积网络，浮点测试准确率 %1 %</translation>
    </message>
    <message>
        <source>No dataset. Use File ▸ Open Dataset… to choose the calibration data.</source>
        <translation>未选择数据集。请使用 文件 ▸ 打开数据集… 选择校准数据。</translation>
    </message>
    <message>
        <source>all samples</source>
        <translation>全部样本</translation>
    </message>
    <message>
        <source>%1 samples</source>
        <translation>%1 个样本</translation>
    </message>
    <message>
        <source>all batches</source>
        <translation>全部批次</translation>
    </message>
    <message>
        <source>%1 batches</source>
        <translation>%1 个批次</translation>
    </message>
    <message>
        <source>Dataset: %1 (%2, from sample %3, %4) · batch size %5, %6</source>
        <translation>数据集：%1（%2，从第 %3 个样本起，%4）· 批大小 %5，%6</translation>
    </message>
</context>
<context>
    <name>cs::app::ExchangeActions</name>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Import qconfig…</source>
        <translation>导入 qconfig(&amp;I)…</translation>
    </message>
    <message>
        <source>Import qconfig</source>
        <translation>导入 qconfig</translation>
    </message>
    <message>
        <source>qconfig JSON (*.json);;All files (*)</source>
        <translation>qconfig JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export &amp;Report…</source>
        <translation>导出报告(&amp;R)…</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>HTML report (*.html)</source>
        <translation>HTML 报告 (*.html)</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
    <message>
        <source>%1: calibrate or open a session before importing a qconfig</source>
        <translation>%1：导入 qconfig 前请先校准或打开一个会话</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1: %n change(s) applied</source>
        <translation>
            <numerusform>已导入 %1：应用了 %n 项更改</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported report %1</source>
        <translation>已导出报告 %1</translation>
    </message>
    <message>
        <source>Export needs a calibration of the open model: calibrate or open a session first.</source>
        <translation>导出需要当前模型的校准结果：请先校准或打开会话。</translation>
    </message>
</context>
<context>
    <name>cs::app::ExchangeController</name>
    <message>
        <source>An export is still being written</source>
        <translation>导出仍在写入中</translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <source>Import: configurations that need the data again</source>
        <translation>导入：需要重新读取数据的配置</translation>
    </message>
</context>
<context>
    <name>cs::app::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Files that PyTorch loads without calibscope. Each is written atomically: an existing file is replaced only when the new one is complete.</source>
        <translation>无需 calibscope 即可被 PyTorch 加载的文件。每个文件都以原子方式写入：只有新文件完整写好后才会替换已有文件。</translation>
    </message>
    <message>
        <source>qconfig JSON</source>
        <translation>qconfig JSON</translation>
    </message>
    <message>
        <source>qconfig JSON (*.json)</source>
        <translation>qconfig JSON (*.json)</translation>
    </message>
    <message>
        <source>Every op's observer, parameters, integer grid and computed scale/zero point; import it back or pass it to calibrate --overrides</source>
        <translation>每个算子的观察器、参数、整数网格以及计算出的 scale/zero point；可重新导入，或传给 calibrate --overrides</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>PyTorch checkpoint (*.pt)</source>
        <translation>PyTorch 检查点 (*.pt)</translation>
    </message>
    <message>
        <source>A dict of tensors for model.load_state_dict(torch.load(path), strict=False) on an eager-mode QAT model</source>
        <translation>张量字典，用于在 eager 模式 QAT 模型上执行 model.load_state_dict(torch.load(path), strict=False)</translation>
    </message>
    <message>
        <source>Fake-quantized model</source>
        <translation>伪量化模型</translation>
    </message>
    <message>
        <source>TorchScript model (*.pt)</source>
        <translation>TorchScript 模型 (*.pt)</translation>
    </message>
    <message>
        <source>The model with BN-folded fake-quantized weights and fake_quantize at every point; torch.jit.load runs it</source>
        <translation>折叠 BN 后伪量化权重、每个量化点插入 fake_quantize 的模型；可由 torch.jit.load 运行</translation>
    </message>
    <message>
        <source>Choose the file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>QAT mode</source>
        <translation>QAT 模式</translation>
    </message>
    <message>
        <source>fuse_bn: batch norm folded into the conv</source>
        <translation>fuse_bn：批归一化折叠进卷积</translation>
    </message>
    <message>
        <source>with_bn: batch norm kept after the conv</source>
        <translation>with_bn：批归一化保留在卷积之后</translation>
    </message>
    <message>
        <source>with_bn_reverse_fold: batch norm kept inside PyTorch's ConvBn module</source>
        <translation>with_bn_reverse_fold：批归一化保留在 PyTorch 的 ConvBn 模块内</translation>
    </message>
    <message>
        <source>How the QAT model that loads the checkpoint treats a conv followed by batch norm; it sets the checkpoint's keys and weight scales, and the fake-quantized model computes what that QAT model computes (identical for models without batch norm)</source>
        <translation>加载该检查点的 QAT 模型如何处理卷积后接的批归一化；它决定检查点的键名和权重缩放因子，伪量化模型也按该 QAT 模型的方式计算（对没有批归一化的模型三种模式相同）</translation>
    </message>
</context>
<context>
    <name>cs::app::HelpMenu</name>
    <message>
        <source>&amp;User Guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <source>User Guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <source>The user guide (USER_GUIDE.md) is not installed.</source>
        <translation>未安装用户指南（USER_GUIDE.md）。</translation>
    </message>
    <message>
        <source>Open %1 to read the user guide.</source>
        <translation>请打开 %1 阅读用户指南。</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>cs::app::ImportDialog</name>
    <message>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <source>Recompute from this session's statistics</source>
        <translation>根据本会话的统计数据重新计算</translation>
    </message>
    <message>
        <source>Take min/max/scale/zero point from the file</source>
        <translation>采用文件中的 min/max/scale/zero point</translation>
    </message>
    <message>
        <source>Recompute keeps the numbers consistent with this session's data; the file's values reproduce another calibration exactly (like load_observer_params)</source>
        <translation>重新计算使数值与本会话的数据保持一致；采用文件中的数值则可精确复现另一次校准（类似 load_observer_params）</translation>
    </message>
    <message>
        <source>Values:</source>
        <translation>数值：</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) to apply.</source>
        <translation>
            <numerusform>将应用 %n 项更改。</numerusform>
        </translation>
    </message>
    <message>
        <source>The file has problems (listed below): entries that are rejected or name ops this model lacks change nothing.</source>
        <translation>文件存在问题（见下方列表）：被拒绝的条目以及本模型中不存在的算子名称不会产生任何更改。</translation>
    </message>
    <message>
        <source>It was made for another model file (sha256 differs).</source>
        <translation>该文件是为另一个模型文件生成的（sha256 不同）。</translation>
    </message>
    <message>
        <source>Apply anyway</source>
        <translation>仍然应用</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
</context>
<context>
    <name>cs::app::LanguageSwitch</name>
    <message>
        <source>calibscope</source>
        <translation>calibscope</translation>
    </message>
    <message>
        <source>The language changes when calibscope starts again. Restart now? What is open now is reopened.</source>
        <translation>界面语言在 calibscope 重新启动后生效。现在重新启动吗？当前打开的内容会重新打开。</translation>
    </message>
    <message>
        <source>Restart Now</source>
        <translation>立即重新启动</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>The calibration has unsaved changes. Save them before restarting?</source>
        <translation>校准有未保存的更改。重新启动前保存吗？</translation>
    </message>
    <message>
        <source>The language changes at the next start of calibscope.</source>
        <translation>语言将在下次启动 calibscope 时生效。</translation>
    </message>
    <message>
        <source>calibscope could not be started again: restart it by hand.</source>
        <translation>无法重新启动 calibscope：请手动重新启动。</translation>
    </message>
</context>
<context>
    <name>cs::app::MainWindow</name>
    <message>
        <source>BLAS: %1
LibTorch threads: %2</source>
        <translation>BLAS：%1
LibTorch 线程数：%2</translation>
    </message>
    <message>
        <source>Matrix products use the slow reference BLAS. Install an optimized one, e.g. the Debian package libopenblas0-pthread.</source>
        <translation>矩阵乘法正在使用较慢的参考 BLAS。请安装优化的 BLAS，例如 Debian 软件包 libopenblas0-pthread。</translation>
    </message>
    <message>
        <source>calibscope</source>
        <translation>calibscope</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Open TorchScript model</source>
        <translation>打开 TorchScript 模型</translation>
    </message>
    <message>
        <source>TorchScript models (*.pt *.pth *.ts);;All files (*)</source>
        <translation>TorchScript 模型 (*.pt *.pth *.ts);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open &amp;Dataset…</source>
        <translation>打开数据集(&amp;D)…</translation>
    </message>
    <message>
        <source>Load &amp;Demo</source>
        <translation>加载演示(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About calibscope</source>
        <translation>关于 calibscope(&amp;A)</translation>
    </message>
    <message>
        <source>About calibscope</source>
        <translation>关于 calibscope</translation>
    </message>
    <message>
        <source>calibscope %1
Interactive post-training-quantization calibration.</source>
        <translation>calibscope %1
交互式训练后量化校准工具。</translation>
    </message>
    <message>
        <source>%1: no such file or folder</source>
        <translation>%1：文件或文件夹不存在</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>%1[*] — calibscope</source>
        <translation>%1[*] — calibscope</translation>
    </message>
    <message>
        <source>The calibration has unsaved changes. Save them before closing?</source>
        <translation>校准有未保存的更改。关闭前要保存吗？</translation>
    </message>
    <message>
        <source>Open &amp;Session…</source>
        <translation>打开会话(&amp;S)…</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>calibscope sessions (*.cscope);;All files (*)</source>
        <translation>calibscope 会话 (*.cscope);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Save Session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save Session &amp;As…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Calibration</source>
        <translation>校准(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Calibrate</source>
        <translation>开始校准(&amp;C)</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>取消(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Evaluate</source>
        <translation>评估(&amp;E)</translation>
    </message>
    <message>
        <source>Float vs quantized on the validation data: accuracy, per-point errors, sensitivity</source>
        <translation>在验证数据上比较浮点与量化：准确率、各量化点误差、敏感度</translation>
    </message>
    <message>
        <source>&amp;Validation Data…</source>
        <translation>验证数据(&amp;V)…</translation>
    </message>
    <message>
        <source>The calibration has unsaved changes. Save them before opening another model?</source>
        <translation>校准有未保存的更改。打开另一个模型前要保存吗？</translation>
    </message>
    <message>
        <source>The calibration has unsaved changes. Save them before opening another session?</source>
        <translation>校准有未保存的更改。打开另一个会话前要保存吗？</translation>
    </message>
    <message>
        <source>&amp;Repair…</source>
        <translation>修复(&amp;R)…</translation>
    </message>
    <message>
        <source>Bias correction, weight clipping, equalization, AdaRound, plan search</source>
        <translation>偏置校正、权重截断、均衡化、AdaRound、方案搜索</translation>
    </message>
</context>
<context>
    <name>cs::app::PlanEditor</name>
    <message>
        <source>Set %1 of %2</source>
        <translation>设置 %2 的 %1</translation>
    </message>
    <message numerus="yes">
        <source>Set %1 of %n point(s)</source>
        <translation>
            <numerusform>设置 %n 个量化点的 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Set %1 of every %2</source>
        <translation>设置所有 %2 的 %1</translation>
    </message>
    <message>
        <source>Drag clip range of %1</source>
        <translation>拖动 %1 的截断范围</translation>
    </message>
</context>
<context>
    <name>cs::app::PointsPage</name>
    <message>
        <source>Quantization points</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>All ops</source>
        <translation>全部算子</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Filter ops by name, kind or module…</source>
        <translation>按名称、类型或模块筛选算子…</translation>
    </message>
    <message>
        <source>Convergence</source>
        <translation>收敛</translation>
    </message>
</context>
<context>
    <name>cs::app::RepairPage</name>
    <message>
        <source>Repair</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <source>Repair failed; the calibration is unchanged</source>
        <translation>修复失败；校准未改变</translation>
    </message>
    <message>
        <source>Repair failed: %1</source>
        <translation>修复失败：%1</translation>
    </message>
    <message>
        <source>Repair cancelled; the calibration is unchanged</source>
        <translation>修复已取消；校准未改变</translation>
    </message>
    <message>
        <source>Repair cancelled</source>
        <translation>修复已取消</translation>
    </message>
    <message>
        <source>Repairs need a calibration: calibrate or open a session first.</source>
        <translation>修复需要校准结果：请先校准或打开会话。</translation>
    </message>
    <message>
        <source>Some edits wait for a re-run of the calibration: repair once it is done.</source>
        <translation>部分编辑正在等待重新运行校准：完成后再修复。</translation>
    </message>
    <message>
        <source>Repairing</source>
        <translation>正在修复</translation>
    </message>
    <message>
        <source>The plan changed while repairing: run the repairs again</source>
        <translation>修复期间方案已改变：请重新运行修复</translation>
    </message>
    <message>
        <source>Repair: %1</source>
        <translation>修复：%1</translation>
    </message>
    <message>
        <source>Repaired: %1</source>
        <translation>已修复：%1</translation>
    </message>
    <message>
        <source>Evaluating the plan before the repair</source>
        <translation>正在评估修复前的方案</translation>
    </message>
    <message>
        <source>Comparing the repaired weights</source>
        <translation>正在比较修复后的权重</translation>
    </message>
    <message>
        <source>Evaluate on labelled validation data first: the budget is measured on that data</source>
        <translation>请先在带标签的验证数据上评估：预算在该数据上衡量</translation>
    </message>
</context>
<context>
    <name>cs::app::ReportExporter</name>
    <message>
        <source>There is no calibration to report on yet: calibrate or open a session first.</source>
        <translation>还没有可生成报告的校准：请先校准或打开一个会话。</translation>
    </message>
    <message>
        <source>No file name given for the report.</source>
        <translation>未指定报告的文件名。</translation>
    </message>
    <message>
        <source>The report can only be written on the GUI thread.</source>
        <translation>报告只能在 GUI 线程中写入。</translation>
    </message>
</context>
<context>
    <name>cs::app::SessionController</name>
    <message>
        <source>%1: another session is still being opened</source>
        <translation>%1：另一个会话仍在打开中</translation>
    </message>
</context>
<context>
    <name>cs::app::UnsavedChangesPrompt</name>
    <message>
        <source>calibscope</source>
        <translation>calibscope</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>calibscope sessions (*.cscope)</source>
        <translation>calibscope 会话 (*.cscope)</translation>
    </message>
</context>
<context>
    <name>cs::ui::AccuracyView</name>
    <message>
        <source>Validation images:</source>
        <translation>验证图像数：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>How many validation images to evaluate on (all = the whole set)</source>
        <translation>用于评估的验证图像数量（全部 = 整个数据集）</translation>
    </message>
    <message>
        <source>Per-point sensitivity</source>
        <translation>逐点敏感度</translation>
    </message>
    <message>
        <source>Also quantize each point alone to rank the points by the accuracy they cost (one more pass per point)</source>
        <translation>另外单独量化每个量化点，按其造成的精度损失排序（每个点多一次推理）</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Float</source>
        <translation>浮点</translation>
    </message>
    <message>
        <source>Your plan</source>
        <translation>您的方案</translation>
    </message>
    <message>
        <source>Automatic plan</source>
        <translation>自动方案</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Top-5</source>
        <translation>Top-5</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <source>Output SQNR (dB)</source>
        <translation>输出 SQNR (dB)</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>Δ top-1 (pp)</source>
        <translation>Δ top-1（百分点）</translation>
    </message>
    <message>
        <source>Δ agreement (pp)</source>
        <translation>Δ 一致率（百分点）</translation>
    </message>
    <message>
        <source>Share of images whose top class is the float model's</source>
        <translation>最高类别与浮点模型相同的图像比例</translation>
    </message>
    <message>
        <source>Signal-to-quantization-noise ratio of the logits against the float model's (higher is better)</source>
        <translation>logits 相对于浮点模型 logits 的信号与量化噪声之比（越高越好）</translation>
    </message>
    <message>
        <source>Difference to the float model in percentage points</source>
        <translation>与浮点模型之差，单位为百分点</translation>
    </message>
    <message>
        <source>No evaluation yet: choose how many validation images to use and press Evaluate.</source>
        <translation>尚未评估：选择要使用的验证图像数量，然后点击“评估”。</translation>
    </message>
    <message>
        <source>%1 images in %2 batches, %3 s.</source>
        <translation>%1 张图像，%2 个批次，%3 秒。</translation>
    </message>
    <message>
        <source>Accuracy against the labels.</source>
        <translation>以标签计算的精度。</translation>
    </message>
    <message>
        <source>The data has no labels: agreement with the float model instead of accuracy.</source>
        <translation>数据没有标签：以与浮点模型的一致率代替精度。</translation>
    </message>
    <message>
        <source>The best quantized plan of this evaluation</source>
        <translation>此次评估中最好的量化方案</translation>
    </message>
    <message>
        <source>top-1 accuracy (%)</source>
        <translation>top-1 精度 (%)</translation>
    </message>
    <message>
        <source>agreement with the float model (%)</source>
        <translation>与浮点模型的一致率 (%)</translation>
    </message>
    <message>
        <source>float %1</source>
        <translation>浮点 %1</translation>
    </message>
</context>
<context>
    <name>cs::ui::CompareView</name>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>Clip low</source>
        <translation>截断下限</translation>
    </message>
    <message>
        <source>Clip high</source>
        <translation>截断上限</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Zero point</source>
        <translation>零点</translation>
    </message>
    <message>
        <source>L2</source>
        <translation>L2</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Clipped %</source>
        <translation>截断比例 %</translation>
    </message>
    <message>
        <source>Quantization error ‖x − q(x)‖ estimated from the point's histogram (lower is better)</source>
        <translation>由该量化点直方图估计的量化误差 ‖x − q(x)‖（越低越好）</translation>
    </message>
    <message>
        <source>Signal-to-quantization-noise ratio in dB (higher is better)</source>
        <translation>信号与量化噪声之比，单位 dB（越高越好）</translation>
    </message>
    <message>
        <source>Share of the values outside the observer's range</source>
        <translation>落在观察器范围之外的数值比例</translation>
    </message>
    <message>
        <source>Use this</source>
        <translation>使用此项</translation>
    </message>
    <message>
        <source>Quantize this point with the selected observer (double-click a row does the same)</source>
        <translation>用所选观察器量化此点（双击一行效果相同）</translation>
    </message>
    <message>
        <source>No calibration yet: calibrate to compare observers.</source>
        <translation>尚未校准：请先校准再对比观察器。</translation>
    </message>
    <message>
        <source>Select a point to compare its observers.</source>
        <translation>选择一个量化点以对比其观察器。</translation>
    </message>
    <message>
        <source>Only the configured observer was run for this point (calibscope-cli calibrate without --compare). Calibrate again (F5) to see every observer's range and error side by side.</source>
        <translation>此点只运行了所配置的观察器（calibscope-cli calibrate 未加 --compare）。重新校准（F5）即可并排查看每个观察器的范围和误差。</translation>
    </message>
    <message>
        <source>The observer in use has the lowest estimated error (L2 %1).</source>
        <translation>当前使用的观察器估计误差最低（L2 %1）。</translation>
    </message>
    <message>
        <source>Lowest estimated error: %1 (L2 %2, SQNR %3 dB).</source>
        <translation>估计误差最低：%1（L2 %2，SQNR %3 dB）。</translation>
    </message>
    <message>
        <source>%1 (in use, kept in float)</source>
        <translation>%1（使用中，保持浮点）</translation>
    </message>
    <message>
        <source>%1 (in use)</source>
        <translation>%1（使用中）</translation>
    </message>
    <message>
        <source>The observer the plan uses for this point</source>
        <translation>方案对此点使用的观察器</translation>
    </message>
    <message>
        <source>Run with its default parameters alongside the configured observer (compare mode)</source>
        <translation>以默认参数与所配置的观察器一同运行（对比模式）</translation>
    </message>
    <message>
        <source>%1: L2 %2 · SQNR %3 dB · %4 % clipped</source>
        <translation>%1：L2 %2 · SQNR %3 dB · 截断 %4 %</translation>
    </message>
</context>
<context>
    <name>cs::ui::ConvergenceView</name>
    <message>
        <source>not replayed: %1</source>
        <translation>未重放：%1</translation>
    </message>
    <message>
        <source>one batch: nothing to converge</source>
        <translation>仅一批：无收敛可言</translation>
    </message>
    <message>
        <source>no range</source>
        <translation>无范围</translation>
    </message>
    <message>
        <source>never settles: the range still moves in the last batches</source>
        <translation>从未稳定：范围在最后几批中仍在变化</translation>
    </message>
    <message numerus="yes">
        <source>settled after %n batch(es) (%1 images)</source>
        <translation>
            <numerusform>%n 批后稳定（%1 张图像）</numerusform>
        </translation>
    </message>
    <message>
        <source>batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>clip range</source>
        <translation>截断范围</translation>
    </message>
    <message>
        <source>Replaying the observers over the calibration batches…</source>
        <translation>正在对校准批次重放观察器…</translation>
    </message>
    <message>
        <source>Calibrate to see how the clip ranges converge over the batches.</source>
        <translation>校准后即可查看截断范围随批次的收敛情况。</translation>
    </message>
    <message>
        <source>The calibration has one batch: there is nothing to converge and no bootstrap band. Calibrate with more batches.</source>
        <translation>校准只有一批数据：无收敛可言，也没有自助法区间。请用更多批次校准。</translation>
    </message>
    <message numerus="yes">
        <source>Ranges settled after %n batch(es) (%1 images) at every point.</source>
        <translation>
            <numerusform>所有量化点的范围在 %n 批（%1 张图像）后稳定。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not settled at %n point(s): add data.</source>
        <translation>
            <numerusform>%n 个量化点未稳定：请增加数据。</numerusform>
        </translation>
    </message>
    <message>
        <source>bootstrap 5–95 %</source>
        <translation>自助法 5–95 %</translation>
    </message>
    <message>
        <source>clip max after k batches</source>
        <translation>k 批后的截断上限</translation>
    </message>
    <message>
        <source>clip min after k batches</source>
        <translation>k 批后的截断下限</translation>
    </message>
    <message>
        <source>within %1 % from here</source>
        <translation>自此起相差不超过 %1 %</translation>
    </message>
</context>
<context>
    <name>cs::ui::ErrorPropagationView</name>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>Previous point</source>
        <translation>前一个量化点</translation>
    </message>
    <message>
        <source>Before (dB)</source>
        <translation>之前 (dB)</translation>
    </message>
    <message>
        <source>At the point (dB)</source>
        <translation>此点处 (dB)</translation>
    </message>
    <message>
        <source>Drop (dB)</source>
        <translation>下降 (dB)</translation>
    </message>
    <message>
        <source>The previous point in op order</source>
        <translation>按算子顺序的前一个量化点</translation>
    </message>
    <message>
        <source>quantization point (op order)</source>
        <translation>量化点（算子顺序）</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>This evaluation has no per-point errors.</source>
        <translation>此次评估没有逐点误差。</translation>
    </message>
    <message>
        <source>No evaluation yet: evaluate the plan to see where quantization error enters the network and how it grows.</source>
        <translation>尚未评估：评估方案即可查看量化误差从何处进入网络以及如何增长。</translation>
    </message>
    <message>
        <source>Local SQNR: only this point quantized. Accumulated SQNR: everything up to this point quantized. Click a point to select it.</source>
        <translation>局部 SQNR：只量化此点。累积 SQNR：量化到此点为止的所有点。点击数据点即可选中。</translation>
    </message>
    <message>
        <source>local SQNR</source>
        <translation>局部 SQNR</translation>
    </message>
    <message>
        <source>accumulated SQNR</source>
        <translation>累积 SQNR</translation>
    </message>
    <message>
        <source>no error (∞ dB)</source>
        <translation>无误差 (∞ dB)</translation>
    </message>
    <message>
        <source>Error first appears at %1 (accumulated SQNR %2 dB).</source>
        <translation>误差首先出现在 %1（累积 SQNR %2 dB）。</translation>
    </message>
    <message>
        <source>No point adds measurable error.</source>
        <translation>没有量化点带来可测量的误差。</translation>
    </message>
    <message>
        <source>The accumulated SQNR drops most at %1: %2 → %3 dB (−%4 dB after %5).</source>
        <translation>累积 SQNR 在 %1 处下降最多：%2 → %3 dB（在 %5 之后下降 %4 dB）。</translation>
    </message>
    <message>
        <source>%1 (#%2)
local SQNR %3 dB
accumulated SQNR %4 dB</source>
        <translation>%1（第 %2 个）
局部 SQNR %3 dB
累积 SQNR %4 dB</translation>
    </message>
</context>
<context>
    <name>cs::ui::HistogramView</name>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Compare observers</source>
        <translation>对比观察器</translation>
    </message>
    <message>
        <source>Per-batch |x|</source>
        <translation>逐批 |x|</translation>
    </message>
    <message>
        <source>Overlay each batch's |x| histogram, scaled to the bins of the accumulated one</source>
        <translation>叠加每个批次的 |x| 直方图，按累计直方图的分箱缩放</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>重置缩放</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>batch |x| (÷ batches)</source>
        <translation>批次 |x|（÷ 批次数）</translation>
    </message>
    <message>
        <source>Select a point to see its histogram.</source>
        <translation>选择一个量化点以查看其直方图。</translation>
    </message>
    <message>
        <source>%1: not in this calibration</source>
        <translation>%1：不在本次校准中</translation>
    </message>
    <message>
        <source>%1 (%2) — %3 values in %4 batches</source>
        <translation>%1（%2）— %4 个批次中的 %3 个数值</translation>
    </message>
    <message>
        <source>clip range (%1)</source>
        <translation>截断范围（%1）</translation>
    </message>
    <message>
        <source>data min/max</source>
        <translation>数据最小/最大值</translation>
    </message>
    <message>
        <source>Kept in float: not quantized.</source>
        <translation>保持浮点：不量化。</translation>
    </message>
    <message>
        <source>No histogram for an error estimate.</source>
        <translation>没有可用于误差估计的直方图。</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>假设</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>%1: clip [%2, %3] → scale %4, zero point %5 · estimated L2 %6 · SQNR %7 dB · clipped %8 %</source>
        <translation>%1：截断 [%2, %3] → 缩放 %4，零点 %5 · 估计 L2 %6 · SQNR %7 dB · 截断比例 %8 %</translation>
    </message>
    <message>
        <source>No calibration yet: Calibration ▸ Calibrate (F5) collects the histograms.</source>
        <translation>尚未校准：使用 校准 ▸ 开始校准（F5）收集直方图。</translation>
    </message>
    <message>
        <source>Measured on %1 calibration images (%2 values): L2 %3 · SQNR %4 dB · clipped %5 %</source>
        <translation>在 %1 张校准图像（%2 个数值）上实测：L2 %3 · SQNR %4 dB · 截断 %5 %</translation>
    </message>
    <message>
        <source>Kept on the grid: [%1, %2]</source>
        <translation>网格上保留的范围：[%1, %2]</translation>
    </message>
</context>
<context>
    <name>cs::ui::HtmlReport</name>
    <message>
        <source>Generated %1 by calibscope %2</source>
        <translation>由 calibscope %2 生成于 %1</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Error propagation</source>
        <translation>误差传播</translation>
    </message>
    <message>
        <source>Worst points</source>
        <translation>最差的量化点</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Ops</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>%1 (%2 fused into a following op, %3 pass-through)</source>
        <translation>%1（%2 个融合进后续算子，%3 个直通）</translation>
    </message>
    <message>
        <source>Activation points</source>
        <translation>激活量化点</translation>
    </message>
    <message>
        <source>Weight points</source>
        <translation>权重量化点</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>Point mode</source>
        <translation>量化点模式</translation>
    </message>
    <message>
        <source>deployment (conv/linear [+bn] [+relu] fused into one point)</source>
        <translation>部署模式（conv/linear [+bn] [+relu] 融合为一个量化点）</translation>
    </message>
    <message>
        <source>per op (every op output is a point)</source>
        <translation>逐算子（每个算子的输出都是一个量化点）</translation>
    </message>
    <message>
        <source>labels: %1</source>
        <translation>标签：%1</translation>
    </message>
    <message>
        <source>samples %1 to %2</source>
        <translation>样本 %1 至 %2</translation>
    </message>
    <message>
        <source>samples from %1 on</source>
        <translation>从样本 %1 开始</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>%1 (the whole dataset)</source>
        <translation>%1（整个数据集）</translation>
    </message>
    <message>
        <source>%1 of %2 requested</source>
        <translation>%1（请求 %2）</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>%1 s (%2 images/s)</source>
        <translation>%1 秒（%2 张/秒）</translation>
    </message>
    <message>
        <source>Histogram bins</source>
        <translation>直方图分箱数</translation>
    </message>
    <message>
        <source>Calibration data</source>
        <translation>校准数据</translation>
    </message>
    <message>
        <source>Default: activations %1 (%2), weights %3 (%4). %5 points configured differently, %6 kept in float, %7 in qint16.</source>
        <translation>默认：激活 %1（%2），权重 %3（%4）。%5 个量化点使用不同配置，%6 个保持浮点，%7 个使用 qint16。</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>Dtype / scheme</source>
        <translation>数据类型 / 量化方案</translation>
    </message>
    <message>
        <source>Clip low</source>
        <translation>截断下限</translation>
    </message>
    <message>
        <source>Clip high</source>
        <translation>截断上限</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放因子</translation>
    </message>
    <message>
        <source>Zero point</source>
        <translation>零点</translation>
    </message>
    <message>
        <source>Est. L2</source>
        <translation>估计 L2</translation>
    </message>
    <message>
        <source>Est. SQNR (dB)</source>
        <translation>估计 SQNR (dB)</translation>
    </message>
    <message>
        <source>Local SQNR (dB)</source>
        <translation>局部 SQNR (dB)</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>keep float</source>
        <translation>保持浮点</translation>
    </message>
    <message>
        <source>NaN/Inf</source>
        <translation>NaN/Inf</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>float</source>
        <translation>浮点</translation>
    </message>
    <message>
        <source>Est. L2 and SQNR are estimated from each point's accumulated histogram for the quantizer in use (the same figures as the point table of the GUI). Rows below %1 dB are shaded; rows with NaN/Inf in red.</source>
        <translation>估计 L2 和 SQNR 由各量化点的累积直方图针对当前量化器估算（与 GUI 量化点表中的数值相同）。低于 %1 dB 的行带底色；含 NaN/Inf 的行标为红色。</translation>
    </message>
    <message>
        <source>Quantization plan</source>
        <translation>量化方案</translation>
    </message>
    <message>
        <source>Weight of</source>
        <translation>权重所属</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>Folded BN</source>
        <translation>折叠的 BN</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>%1: %2 NaN and %3 Inf values during calibration; they are left out of every statistic.</source>
        <translation>%1：校准时出现 %2 个 NaN 和 %3 个 Inf 值；它们不计入任何统计。</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>%1: %2 NaN/Inf values in the %3 pass of evaluation batch %4.</source>
        <translation>%1：评估第 %4 批的 %3 前向中有 %2 个 NaN/Inf 值。</translation>
    </message>
    <message>
        <source>Evaluation: %1</source>
        <translation>评估：%1</translation>
    </message>
    <message>
        <source>No warnings.</source>
        <translation>没有警告。</translation>
    </message>
    <message>
        <source>Calibration report: %1</source>
        <translation>校准报告：%1</translation>
    </message>
    <message>
        <source>calibscope %1 · model SHA-256 %2</source>
        <translation>calibscope %1 · 模型 SHA-256 %2</translation>
    </message>
    <message>
        <source>en</source>
        <translation>zh-CN</translation>
    </message>
    <message>
        <source>float model (reference)</source>
        <translation>浮点模型（基准）</translation>
    </message>
    <message>
        <source>your plan</source>
        <translation>你的方案</translation>
    </message>
    <message>
        <source>automatic plan (best observer per point)</source>
        <translation>自动方案（每个量化点最佳观察器）</translation>
    </message>
    <message>
        <source>%1 at every point</source>
        <translation>所有量化点使用 %1</translation>
    </message>
    <message>
        <source>No evaluation: run &lt;code&gt;calibscope-cli evaluate&lt;/code&gt; or Evaluate in the GUI.</source>
        <translation>没有评估结果：请运行 &lt;code&gt;calibscope-cli evaluate&lt;/code&gt; 或在 GUI 中执行评估。</translation>
    </message>
    <message>
        <source>Evaluated on %1 images in %2 batches of &lt;code&gt;%3&lt;/code&gt; (%4) in %5 s.</source>
        <translation>在 &lt;code&gt;%3&lt;/code&gt;（%4）的 %2 批共 %1 张图像上评估，用时 %5 秒。</translation>
    </message>
    <message>
        <source>labelled</source>
        <translation>有标签</translation>
    </message>
    <message>
        <source>no labels</source>
        <translation>无标签</translation>
    </message>
    <message>
        <source>The plan changed at %1 points since this evaluation: its numbers describe the earlier plan. Evaluate again for current figures.</source>
        <translation>自本次评估以来方案中有 %1 个量化点已更改：这些数值描述的是之前的方案。请重新评估以获得当前数值。</translation>
    </message>
    <message>
        <source>The evaluation has no accuracy table.</source>
        <translation>该评估没有准确率表。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Quantized as</source>
        <translation>量化方式</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Top-5</source>
        <translation>Top-5</translation>
    </message>
    <message>
        <source>Agreement with float</source>
        <translation>与浮点一致率</translation>
    </message>
    <message>
        <source>Δ vs float</source>
        <translation>相对浮点的 Δ</translation>
    </message>
    <message>
        <source>Output SQNR (dB)</source>
        <translation>输出 SQNR (dB)</translation>
    </message>
    <message>
        <source>Output cosine</source>
        <translation>输出余弦相似度</translation>
    </message>
    <message>
        <source>%1 pp</source>
        <translation>%1 个百分点</translation>
    </message>
    <message>
        <source>The validation data has no labels: rows are compared with the float model's outputs (the share of samples whose top-1 class agrees, and the SQNR of the logits).</source>
        <translation>验证数据没有标签：各行与浮点模型的输出比较（top-1 类别一致的样本比例，以及 logits 的 SQNR）。</translation>
    </message>
    <message>
        <source>Accuracy of each row of the table</source>
        <translation>表中各行的准确率</translation>
    </message>
    <message>
        <source>Each point quantized alone (with its weights), everything else in float; the drop is the float model's top-1 minus that top-1. Most sensitive first.</source>
        <translation>每次只量化一个量化点（连同其权重），其余保持浮点；下降值为浮点模型的 top-1 减去该 top-1。最敏感的排在前面。</translation>
    </message>
    <message>
        <source>Each point quantized alone (with its weights), everything else in float; the drop is derived from the output SQNR (no labels). Most sensitive first.</source>
        <translation>每次只量化一个量化点（连同其权重），其余保持浮点；下降值由输出 SQNR 得出（无标签）。最敏感的排在前面。</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Drop</source>
        <translation>下降</translation>
    </message>
    <message>
        <source>Top-1, only this point</source>
        <translation>Top-1（仅此量化点）</translation>
    </message>
    <message>
        <source>Agreement, only this point</source>
        <translation>一致率（仅此量化点）</translation>
    </message>
    <message>
        <source>%1 more points in the ranking.</source>
        <translation>排名中还有 %1 个量化点。</translation>
    </message>
    <message>
        <source>Sensitivity (top %1)</source>
        <translation>敏感度（前 %1）</translation>
    </message>
    <message>
        <source>Local SQNR: only this point quantized, its input in float. Accumulated SQNR: the whole plan up to and including this point. Where the accumulated curve drops, error enters; where it keeps falling below the local one, error grows.</source>
        <translation>局部 SQNR：只量化此量化点，其输入为浮点。累积 SQNR：方案中直到并包括此量化点的全部量化。累积曲线下降处误差进入；持续低于局部曲线处误差在增长。</translation>
    </message>
    <message>
        <source>Local and accumulated SQNR along the op order</source>
        <translation>按算子顺序的局部与累积 SQNR</translation>
    </message>
    <message>
        <source>top-1 accuracy (%)</source>
        <translation>top-1 准确率 (%)</translation>
    </message>
    <message>
        <source>agreement with the float model's top-1 (%)</source>
        <translation>与浮点模型 top-1 的一致率 (%)</translation>
    </message>
    <message>
        <source>local SQNR (only this point quantized)</source>
        <translation>局部 SQNR（只量化此量化点）</translation>
    </message>
    <message>
        <source>accumulated SQNR (plan up to this point)</source>
        <translation>累积 SQNR（方案直到此量化点）</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Clipped</source>
        <translation>截断比例</translation>
    </message>
    <message>
        <source>Op</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>min %1, max %2, mean %3, std %4 over %5 values</source>
        <translation>最小 %1，最大 %2，均值 %3，标准差 %4，共 %5 个值</translation>
    </message>
    <message>
        <source>Clip range</source>
        <translation>截断范围</translation>
    </message>
    <message>
        <source>[%1, %2] → scale %3, zero point %4</source>
        <translation>[%1, %2] → 缩放因子 %3，零点 %4</translation>
    </message>
    <message>
        <source>Estimated error</source>
        <translation>估计误差</translation>
    </message>
    <message>
        <source>L2 %1 · SQNR %2 dB · %3 clipped (from the histogram)</source>
        <translation>L2 %1 · SQNR %2 dB · 截断 %3（由直方图估计）</translation>
    </message>
    <message>
        <source>Measured error</source>
        <translation>实测误差</translation>
    </message>
    <message>
        <source>local SQNR %1 dB (L2 %2, %3 clipped) · accumulated SQNR %4 dB</source>
        <translation>局部 SQNR %1 dB（L2 %2，截断 %3）· 累积 SQNR %4 dB</translation>
    </message>
    <message>
        <source>Non-finite</source>
        <translation>非有限值</translation>
    </message>
    <message>
        <source>%1 NaN, %2 Inf</source>
        <translation>%1 个 NaN，%2 个 Inf</translation>
    </message>
    <message>
        <source>No quantized point has a histogram to rank.</source>
        <translation>没有带直方图的量化点可供排序。</translation>
    </message>
    <message>
        <source>The %1 points with the lowest local SQNR measured by the evaluation, worst first. Each histogram shows the chosen clip range (solid), the data min/max (dashed) and every compared observer's range (dash-dotted).</source>
        <translation>评估实测局部 SQNR 最低的 %1 个量化点，最差的在前。每个直方图显示所选截断范围（实线）、数据最小/最大值（虚线）以及每个对比观察器的范围（点划线）。</translation>
    </message>
    <message>
        <source>The %1 points with the lowest SQNR estimated from their histograms, worst first. Each histogram shows the chosen clip range (solid), the data min/max (dashed) and every compared observer's range (dash-dotted).</source>
        <translation>由直方图估计的 SQNR 最低的 %1 个量化点，最差的在前。每个直方图显示所选截断范围（实线）、数据最小/最大值（虚线）以及每个对比观察器的范围（点划线）。</translation>
    </message>
    <message>
        <source>Counts are on a logarithmic axis, so that tails and sparse bins stay visible next to a peak (such as the zeros after a ReLU).</source>
        <translation>计数使用对数坐标轴，使尾部和稀疏的分箱在峰值（例如 ReLU 之后的零值）旁边仍然可见。</translation>
    </message>
    <message>
        <source>Histogram of %1 with its clip ranges</source>
        <translation>%1 的直方图及其截断范围</translation>
    </message>
    <message>
        <source>Not drawn, far outside the data: %1.</source>
        <translation>未绘制（远超出数据范围）：%1。</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>Per point, the share of values outside the clip range on the calibration data and on the validation data, and the Jensen-Shannon divergence (base 2: 0 = same, 1 = disjoint) of the two histograms on the calibration histogram's grid. A point is flagged when the validation values fall outside the clip range more than %1× as often as the calibration values and in over %2 of cases.</source>
        <translation>每个量化点在校准数据和验证数据上落在截断范围之外的比例，以及两个直方图在校准直方图网格上的 Jensen-Shannon 散度（以 2 为底：0 = 相同，1 = 不相交）。当验证数据越界的频率超过校准数据的 %1 倍且超过 %2 时标记该量化点。</translation>
    </message>
    <message>
        <source>The calibration set covers the validation data at every point.</source>
        <translation>校准集在所有量化点上都覆盖了验证数据。</translation>
    </message>
    <message numerus="yes">
        <source>The calibration set does not cover the validation data at %n point(s).</source>
        <translation>
            <numerusform>校准集在 %n 个量化点上未覆盖验证数据。</numerusform>
        </translation>
    </message>
    <message>
        <source>Outside, calibration</source>
        <translation>越界（校准）</translation>
    </message>
    <message>
        <source>Outside, validation</source>
        <translation>越界（验证）</translation>
    </message>
    <message>
        <source>JS divergence</source>
        <translation>JS 散度</translation>
    </message>
    <message>
        <source>calibration changed since the evaluation</source>
        <translation>评估之后校准已更改</translation>
    </message>
    <message>
        <source>not covered</source>
        <translation>未覆盖</translation>
    </message>
    <message>
        <source>Coverage of the validation data</source>
        <translation>验证数据的覆盖情况</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>收敛</translation>
    </message>
    <message>
        <source>Convergence</source>
        <translation>收敛性</translation>
    </message>
    <message>
        <source>Convergence of the calibration</source>
        <translation>校准的收敛性</translation>
    </message>
    <message>
        <source>Scale spread (5–95 %)</source>
        <translation>scale 离散范围（5–95 %）</translation>
    </message>
    <message>
        <source>Per point, the configured observer replayed over the calibration batches: the batch after which its clip range stays within %1 of the final range, and the spread of the final scale (5th to 95th percentile) over %2 bootstrap resamples of the batches.</source>
        <translation>每个量化点：在校准批次上重放所配置的观察器，给出裁剪范围保持在最终范围 %1 以内的起始批次，以及对批次做 %2 次自助重采样得到的最终 scale 离散范围（第 5 至第 95 百分位）。</translation>
    </message>
    <message>
        <source>Repairs</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>The repairs changed the conv/linear parameters the quantized model runs with (%1 layers); they are listed in the order applied.</source>
        <translation>修复改变了量化模型运行时使用的卷积/全连接参数（%1 层）；按应用顺序列出。</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Accuracy before and after the last repair</source>
        <translation>最近一次修复前后的准确率</translation>
    </message>
</context>
<context>
    <name>cs::ui::JobProgress</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 %2/%3 · %4 images/s · %5 left</source>
        <translation>%1 %2/%3 · %4 张/秒 · 剩余 %5</translation>
    </message>
    <message>
        <source>%1 · %2 % · %3 left</source>
        <translation>%1 · %2 % · 剩余 %3</translation>
    </message>
</context>
<context>
    <name>cs::ui::LogView</name>
    <message>
        <source>debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>cs::ui::ObserverHeatMap</name>
    <message>
        <source>No calibration yet: calibrate to compare observers.</source>
        <translation>尚未校准：请先校准再对比观察器。</translation>
    </message>
    <message>
        <source>No compare results: this calibration ran only the configured observers (calibscope-cli calibrate without --compare). Calibrate again (F5) to see every observer's error at every point.</source>
        <translation>没有对比结果：此次校准只运行了所配置的观察器（calibscope-cli calibrate 未加 --compare）。重新校准（F5）即可查看每个观察器在每个量化点上的误差。</translation>
    </message>
    <message>
        <source>Local L2 error per point and observer, estimated from the histograms; each row from green (its best, ★) to red (its worst). Underlined: the observer in use. Double-click a cell to use that observer.</source>
        <translation>每个量化点和观察器的局部 L2 误差，由直方图估计；每行从绿色（该行最佳，★）到红色（该行最差）。下划线：当前使用的观察器。双击单元格即使用该观察器。</translation>
    </message>
</context>
<context>
    <name>cs::ui::ObserverHeatMapModel</name>
    <message>
        <source>%1 has no result for %2.</source>
        <translation>%1 在 %2 上没有结果。</translation>
    </message>
    <message>
        <source>%1 at %2: L2 %3 · SQNR %4 dB · %5 % clipped</source>
        <translation>%1 在 %2：L2 %3 · SQNR %4 dB · 截断 %5 %</translation>
    </message>
    <message>
        <source>Lowest error for this point.</source>
        <translation>此点误差最低。</translation>
    </message>
    <message>
        <source>The observer the plan uses for this point.</source>
        <translation>方案对此点使用的观察器。</translation>
    </message>
    <message>
        <source>%1 is kept in float.</source>
        <translation>%1 保持浮点。</translation>
    </message>
    <message>
        <source>%1 uses %2.</source>
        <translation>%1 使用 %2。</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>Quantization point, in graph order</source>
        <translation>量化点，按计算图顺序</translation>
    </message>
    <message>
        <source>Local L2 error with %1, estimated from each point's histogram (lower is better)</source>
        <translation>使用 %1 时的局部 L2 误差，由各量化点的直方图估计（越低越好）</translation>
    </message>
</context>
<context>
    <name>cs::ui::OpTableModel</name>
    <message>
        <source>input point</source>
        <translation>输入量化点</translation>
    </message>
    <message>
        <source>shares %1</source>
        <translation>共用 %1</translation>
    </message>
    <message>
        <source>fused into %1</source>
        <translation>融合到 %1</translation>
    </message>
    <message>
        <source>point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
</context>
<context>
    <name>cs::ui::ParameterPanel</name>
    <message>
        <source>Narrow range</source>
        <translation>窄范围</translation>
    </message>
    <message>
        <source>Signed types drop their most negative level (qint8: -127..127)</source>
        <translation>有符号类型去掉最小的负数级别（qint8：-127..127）</translation>
    </message>
    <message>
        <source>Power-of-two scale</source>
        <translation>2 的幂缩放</translation>
    </message>
    <message>
        <source>Round the scale up to 2^-k (Horizon BERNOULLI)</source>
        <translation>将缩放向上取整为 2^-k（地平线 BERNOULLI）</translation>
    </message>
    <message>
        <source>Keep in float</source>
        <translation>保持浮点</translation>
    </message>
    <message>
        <source>Do not quantize this point</source>
        <translation>不量化此点</translation>
    </message>
    <message>
        <source>Integer grid</source>
        <translation>整数网格</translation>
    </message>
    <message>
        <source>Dtype:</source>
        <translation>数据类型：</translation>
    </message>
    <message>
        <source>Scheme:</source>
        <translation>量化方案：</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Show the point's current configuration again</source>
        <translation>重新显示该量化点的当前配置</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>Apply to:</source>
        <translation>应用到：</translation>
    </message>
    <message>
        <source>Select a point to edit its configuration.</source>
        <translation>选择一个量化点以编辑其配置。</translation>
    </message>
    <message>
        <source>Point: %1</source>
        <translation>量化点：%1</translation>
    </message>
    <message>
        <source>This point</source>
        <translation>此量化点</translation>
    </message>
    <message>
        <source>Selected points (%1)</source>
        <translation>选中的量化点（%1 个）</translation>
    </message>
    <message>
        <source>All points of kind %1</source>
        <translation>所有类型为 %1 的量化点</translation>
    </message>
    <message>
        <source>Default %1, range [%2, %3].</source>
        <translation>默认值 %1，范围 [%2, %3]。</translation>
    </message>
    <message>
        <source>Changes are recomputed instantly from the statistics.</source>
        <translation>修改会根据已保存的统计量立即重新计算。</translation>
    </message>
    <message>
        <source>Changes need the calibration data again (a background re-run).</source>
        <translation>修改需要再次使用校准数据（后台重新运行）。</translation>
    </message>
    <message>
        <source>No parameters.</source>
        <translation>无参数。</translation>
    </message>
</context>
<context>
    <name>cs::ui::PointTableModel</name>
    <message>
        <source>float</source>
        <translation>浮点</translation>
    </message>
    <message>
        <source>NaN/Inf</source>
        <translation>NaN/Inf</translation>
    </message>
    <message>
        <source>%1 NaN and %2 Inf values were seen; they are left out of every statistic.</source>
        <translation>出现了 %1 个 NaN 和 %2 个 Inf 值；它们不计入任何统计量。</translation>
    </message>
    <message>
        <source>Kept in float: no quantization error.</source>
        <translation>保持浮点：没有量化误差。</translation>
    </message>
    <message>
        <source>Estimated from the accumulated histogram for the current clip range: L2 %1, SQNR %2 dB, %3 % of the values clipped.</source>
        <translation>根据累计直方图对当前截断范围的估计：L2 %1，SQNR %2 dB，%3 % 的数值被截断。</translation>
    </message>
    <message>
        <source>Smallest finite value seen during calibration</source>
        <translation>校准期间出现的最小有限值</translation>
    </message>
    <message>
        <source>Largest finite value seen during calibration</source>
        <translation>校准期间出现的最大有限值</translation>
    </message>
    <message>
        <source>Lower end of the range the observer chose</source>
        <translation>观察器选定范围的下限</translation>
    </message>
    <message>
        <source>Upper end of the range the observer chose</source>
        <translation>观察器选定范围的上限</translation>
    </message>
    <message>
        <source>Quantization error ‖x − q(x)‖ estimated from the histogram</source>
        <translation>根据直方图估计的量化误差 ‖x − q(x)‖</translation>
    </message>
    <message>
        <source>Signal-to-quantization-noise ratio in dB (higher is better)</source>
        <translation>信号与量化噪声比，单位 dB（越高越好）</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>Clip low</source>
        <translation>截断下限</translation>
    </message>
    <message>
        <source>Clip high</source>
        <translation>截断上限</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Zero point</source>
        <translation>零点</translation>
    </message>
    <message>
        <source>Dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>L2</source>
        <translation>L2</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>The calibration changed since the evaluation: evaluate again to compare the validation data with it.</source>
        <translation>评估之后校准已更改：请重新评估以与验证数据比较。</translation>
    </message>
    <message>
        <source>Validation data: %1 % outside the clip range [%2, %3] (%4 % below, %5 % above); calibration data: %6 %. Jensen-Shannon divergence of the two histograms: %7.</source>
        <translation>验证数据：%1 % 落在截断范围 [%2, %3] 之外（低于 %4 %，高于 %5 %）；校准数据：%6 %。两个直方图的 Jensen-Shannon 散度：%7。</translation>
    </message>
    <message>
        <source>The calibration set does not cover the validation data here: add calibration images like the validation images.</source>
        <translation>校准集在此未覆盖验证数据：请加入与验证图像相似的校准图像。</translation>
    </message>
    <message>
        <source>not covered (%1 %)</source>
        <translation>未覆盖 (%1 %)</translation>
    </message>
    <message>
        <source>one batch</source>
        <translation>仅一批</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未稳定</translation>
    </message>
    <message>
        <source>Not replayed: %1</source>
        <translation>未重放：%1</translation>
    </message>
    <message>
        <source>The calibration has one batch: there is nothing to converge.</source>
        <translation>校准只有一批数据：无收敛可言。</translation>
    </message>
    <message>
        <source>The clip range stays within %1 % of its final value from batch %2 on (%3 images).</source>
        <translation>从第 %2 批（%3 张图像）起，截断范围与最终值相差不超过 %1 %。</translation>
    </message>
    <message>
        <source>The clip range still moves by more than %1 % in the last quarter of the batches: add calibration data.</source>
        <translation>在最后四分之一的批次中，截断范围的变化仍超过 %1 %：请增加校准数据。</translation>
    </message>
    <message>
        <source>Share of the last evaluation's validation values outside the clip range; flagged when it is over %1× the calibration data's share and over %2 %</source>
        <translation>上次评估中验证数据落在截断范围之外的比例；当其超过校准数据比例的 %1 倍且超过 %2 % 时标记</translation>
    </message>
    <message>
        <source>The batch from which on the clip range stays within 1 % of its final value</source>
        <translation>从该批次起，截断范围与最终值相差不超过 1 %</translation>
    </message>
    <message>
        <source>Validation outside</source>
        <translation>验证数据越界</translation>
    </message>
    <message>
        <source>Settled after</source>
        <translation>稳定于</translation>
    </message>
</context>
<context>
    <name>cs::ui::PointTableView</name>
    <message>
        <source>Filter points by name or module…</source>
        <translation>按名称或模块筛选量化点…</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All observers</source>
        <translation>全部观察器</translation>
    </message>
    <message>
        <source>Show only the N points with the lowest estimated SQNR (the most quantization noise for their signal; L2 errors of points of different magnitude do not compare)</source>
        <translation>只显示估计 SQNR 最低的 N 个量化点（相对其信号量化噪声最大；量级不同的量化点之间 L2 误差不可比较）</translation>
    </message>
    <message>
        <source>Lowest SQNR:</source>
        <translation>SQNR 最低：</translation>
    </message>
</context>
<context>
    <name>cs::ui::RepairPanel</name>
    <message>
        <source>Repairs change the conv/linear parameters the quantized model runs with, measured on the calibration data; the activations are calibrated again with them. Each run is one step of Edit ▸ Undo.</source>
        <translation>修复会根据校准数据改变量化模型运行时使用的卷积/全连接参数，并用新参数重新校准激活。每次运行是“编辑 ▸ 撤销”中的一步。</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>预设(&amp;P)：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A TI preset sets the observers and the repairs it includes; the repairs ticked below are added</source>
        <translation>TI 预设会设置观察器及其包含的修复；下方勾选的修复会额外加入</translation>
    </message>
    <message>
        <source>Cross-layer &amp;equalization</source>
        <translation>跨层均衡化(&amp;E)</translation>
    </message>
    <message>
        <source>Balances the channel ranges of conv→[relu]→conv and conv→depthwise→conv chains; the float output stays the same</source>
        <translation>平衡 conv→[relu]→conv 和 conv→depthwise→conv 链的通道范围；浮点输出保持不变</translation>
    </message>
    <message>
        <source>absorb high biases</source>
        <translation>吸收高偏置</translation>
    </message>
    <message>
        <source>Moves c = max(0, β − 3|γ|) through a ReLU into the next layer</source>
        <translation>将 c = max(0, β − 3|γ|) 经 ReLU 移入下一层</translation>
    </message>
    <message>
        <source>&amp;Weight clipping (TI rule)</source>
        <translation>权重截断（TI 规则）(&amp;W)</translation>
    </message>
    <message>
        <source>When max|W| &gt; 15 and max|W| &gt; 16·median|W|, clip to ±0.9375·2^ceil(log2(min(max|W|, 16·median|W|)))</source>
        <translation>当 max|W| &gt; 15 且 max|W| &gt; 16·median|W| 时，截断到 ±0.9375·2^ceil(log2(min(max|W|, 16·median|W|)))</translation>
    </message>
    <message>
        <source>&amp;Bias correction</source>
        <translation>偏置校正(&amp;B)</translation>
    </message>
    <message>
        <source>Per output channel b −= mean of (y_q − y_fp), layer by layer in graph order</source>
        <translation>按输出通道 b −= (y_q − y_fp) 的均值，按图顺序逐层进行</translation>
    </message>
    <message>
        <source>empirical</source>
        <translation>经验式</translation>
    </message>
    <message>
        <source>TI per batch</source>
        <translation>TI 逐批次</translation>
    </message>
    <message>
        <source>Accuracy-driven &amp;plan search</source>
        <translation>精度驱动的方案搜索(&amp;P)</translation>
    </message>
    <message>
        <source>Per point, the compare-pass observer with the lowest error of the model's output (needs a calibration with the compare pass)</source>
        <translation>逐个量化点选择使模型输出误差最低的对比观察器（需要带对比遍历的校准）</translation>
    </message>
    <message>
        <source>&amp;AdaRound, iterations per layer:</source>
        <translation>AdaRound，每层迭代次数(&amp;A)：</translation>
    </message>
    <message>
        <source>Learns per weight whether to round up or down so that each layer's output matches the float layer's</source>
        <translation>为每个权重学习向上或向下取整，使每层输出与浮点层一致</translation>
    </message>
    <message>
        <source>Fallback &amp;budget, top-1 points:</source>
        <translation>回退预算，top-1 百分点(&amp;B)：</translation>
    </message>
    <message>
        <source>Calibration batches:</source>
        <translation>校准批次数：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Batches of the calibration data the repairs measure on</source>
        <translation>修复所用的校准数据批次数</translation>
    </message>
    <message>
        <source>&amp;Run repairs</source>
        <translation>运行修复(&amp;R)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Repairs of this calibration, in the order applied:</source>
        <translation>本次校准的修复（按应用顺序）：</translation>
    </message>
    <message>
        <source>Keeps the fewest points in float so that top-1 on the labelled validation data is at most this far below float</source>
        <translation>保留最少的浮点量化点，使带标签验证数据上的 top-1 至多比浮点低这么多</translation>
    </message>
    <message>
        <source>Repairing…</source>
        <translation>正在修复…</translation>
    </message>
</context>
<context>
    <name>cs::ui::RepairRecordsModel</name>
    <message numerus="yes">
        <source>%1 (and %n more)</source>
        <translation>
            <numerusform>%1（另有 %n 条）</numerusform>
        </translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>cs::ui::RepairText</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>equalization</source>
        <translation>均衡化</translation>
    </message>
    <message>
        <source>weight clipping</source>
        <translation>权重截断</translation>
    </message>
    <message>
        <source>bias correction</source>
        <translation>偏置校正</translation>
    </message>
    <message>
        <source>plan search</source>
        <translation>方案搜索</translation>
    </message>
    <message>
        <source>AdaRound</source>
        <translation>AdaRound</translation>
    </message>
    <message>
        <source>fallback budget</source>
        <translation>回退预算</translation>
    </message>
    <message>
        <source>Before repair</source>
        <translation>修复前</translation>
    </message>
    <message>
        <source>After: %1</source>
        <translation>修复后：%1</translation>
    </message>
</context>
<context>
    <name>cs::ui::SensitivityView</name>
    <message>
        <source>Worst</source>
        <translation>最差</translation>
    </message>
    <message>
        <source>How many of the most sensitive points to protect</source>
        <translation>要保护的最敏感量化点数量</translation>
    </message>
    <message>
        <source>keep float</source>
        <translation>保持浮点</translation>
    </message>
    <message>
        <source>qint16</source>
        <translation>qint16</translation>
    </message>
    <message>
        <source>Apply to worst N</source>
        <translation>应用于最差 N 个</translation>
    </message>
    <message>
        <source>Change the plan for the N most sensitive points (undoable), then evaluate again</source>
        <translation>修改 N 个最敏感量化点的方案（可撤销），然后重新评估</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>Top-1 drop (pp)</source>
        <translation>Top-1 下降（百分点）</translation>
    </message>
    <message>
        <source>SQNR drop (dB)</source>
        <translation>SQNR 下降 (dB)</translation>
    </message>
    <message>
        <source>Top-1, only this</source>
        <translation>Top-1（仅此点）</translation>
    </message>
    <message>
        <source>Agreement, only this</source>
        <translation>一致率（仅此点）</translation>
    </message>
    <message>
        <source>Output SQNR (dB)</source>
        <translation>输出 SQNR (dB)</translation>
    </message>
    <message>
        <source>Float top-1 minus the top-1 with only this point quantized, in percentage points</source>
        <translation>浮点 top-1 减去只量化此点时的 top-1，单位为百分点</translation>
    </message>
    <message>
        <source>Without labels: how far the output SQNR falls below %1 dB (no error) with only this point quantized</source>
        <translation>无标签时：只量化此点时输出 SQNR 比 %1 dB（无误差）低多少</translation>
    </message>
    <message>
        <source>The model with only this point (and its weights) quantized</source>
        <translation>只量化此点（及其权重）的模型</translation>
    </message>
    <message>
        <source>No evaluation yet: evaluate with "Per-point sensitivity" checked to rank the points.</source>
        <translation>尚未评估：勾选“逐点敏感度”后评估，即可对量化点排序。</translation>
    </message>
    <message>
        <source>This evaluation has no per-point sensitivity: evaluate again with "Per-point sensitivity" checked.</source>
        <translation>此次评估没有逐点敏感度：请勾选“逐点敏感度”后重新评估。</translation>
    </message>
    <message>
        <source>The points ranked by what quantizing each one alone costs; select a row to go to its op.</source>
        <translation>按单独量化每个点的代价对量化点排序；选择一行即跳转到对应算子。</translation>
    </message>
    <message>
        <source>top-1 drop (percentage points)</source>
        <translation>top-1 下降（百分点）</translation>
    </message>
    <message>
        <source>output SQNR drop (dB)</source>
        <translation>输出 SQNR 下降 (dB)</translation>
    </message>
</context>
<context>
    <name>cs::ui::SessionDiffModel</name>
    <message>
        <source>both</source>
        <translation>两者</translation>
    </message>
    <message>
        <source>only this session</source>
        <translation>仅本会话</translation>
    </message>
    <message>
        <source>only the other</source>
        <translation>仅另一会话</translation>
    </message>
    <message>
        <source>Change of the scale from this session to the other, in %</source>
        <translation>从本会话到另一会话的 scale 变化（%）</translation>
    </message>
    <message>
        <source>Change of the clip range's larger end (max(|low|, |high|)), in %</source>
        <translation>截断范围较大一端（max(|low|, |high|)）的变化（%）</translation>
    </message>
    <message>
        <source>Jensen-Shannon divergence of the two accumulated histograms on a shared grid (base 2: 0 = same distribution, 1 = disjoint)</source>
        <translation>两个累积直方图在共同网格上的 Jensen-Shannon 散度（以 2 为底：0 = 分布相同，1 = 完全不相交）</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>In</source>
        <translation>所在</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>Clip range (this)</source>
        <translation>截断范围（本会话）</translation>
    </message>
    <message>
        <source>Clip range (other)</source>
        <translation>截断范围（另一会话）</translation>
    </message>
    <message>
        <source>Scale %</source>
        <translation>Scale %</translation>
    </message>
    <message>
        <source>Range %</source>
        <translation>范围 %</translation>
    </message>
    <message>
        <source>JS divergence</source>
        <translation>JS 散度</translation>
    </message>
</context>
<context>
    <name>cs::ui::SessionDiffView</name>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>The sessions cannot be compared: %1</source>
        <translation>无法比较这两个会话：%1</translation>
    </message>
    <message>
        <source>This session: %1
Other session: %2
%3 points in both, %4 only in this one, %5 only in the other.</source>
        <translation>本会话：%1
另一会话：%2
两者共有 %3 个量化点，仅本会话 %4 个，仅另一会话 %5 个。</translation>
    </message>
    <message>
        <source>The model files differ: points are matched by name.</source>
        <translation>模型文件不同：量化点按名称匹配。</translation>
    </message>
</context>
<context>
    <name>cs::ui::StaleBanner</name>
    <message>
        <source>The plan changed since this evaluation — evaluate again</source>
        <translation>此次评估之后方案已更改 — 请重新评估</translation>
    </message>
    <message>
        <source>The validation data changed since this evaluation — evaluate again</source>
        <translation>此次评估之后验证数据已更改 — 请重新评估</translation>
    </message>
</context>
<context>
    <name>cs::ui::WeightsView</name>
    <message>
        <source>After BN folding</source>
        <translation>BN 折叠后</translation>
    </message>
    <message>
        <source>As stored (unfolded)</source>
        <translation>原始存储（未折叠）</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>两者</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>输出通道</translation>
    </message>
    <message>
        <source>weight min / max</source>
        <translation>权重最小 / 最大值</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>%1 weight %2 · %3 %4 %5</source>
        <translation>%1 权重 %2 · %3 %4 %5</translation>
    </message>
    <message>
        <source>· folded with %1</source>
        <translation>· 已折叠 %1</translation>
    </message>
    <message>
        <source>· no batch norm folded</source>
        <translation>· 未折叠批归一化</translation>
    </message>
    <message>
        <source>The selected point has no conv/linear weight.</source>
        <translation>所选量化点没有卷积/全连接权重。</translation>
    </message>
    <message>
        <source>as stored</source>
        <translation>原始存储</translation>
    </message>
    <message>
        <source>BN-folded</source>
        <translation>BN 折叠后</translation>
    </message>
    <message>
        <source>bias shift</source>
        <translation>偏置变化</translation>
    </message>
    <message>
        <source>before repair</source>
        <translation>修复前</translation>
    </message>
    <message>
        <source>after repair</source>
        <translation>修复后</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Repair of %1: largest bias shift %2, largest weight change %3; histogram before filled, after as a line</source>
        <translation>%1 的修复：最大偏置变化 %2，最大权重变化 %3；直方图：修复前为填充，修复后为折线</translation>
    </message>
</context>
</TS>