<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
</context>
<context>
    <name>cs::app::MainWindow</name>
    <message>
        <source>calibscope</source>
        <translation>calibscope</translation>
    </message>
    <message>
        <source>Filter ops by name, kind or module…</source>
        <translation>按名称、类型或模块筛选算子…</translation>
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
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>Preparing the demo model</source>
        <translation>正在准备演示模型</translation>
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
        <source>Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters</source>
        <translation>模型：%1 — %2 个算子，%3 个激活量化点，%4 个权重量化点，%5 个参数</translation>
    </message>
    <message>
        <source>Demo: Fashion-MNIST CNN, float test accuracy %1 %</source>
        <translation>演示：Fashion-MNIST 卷积网络，浮点测试准确率 %1 %</translation>
    </message>
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
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>No model loaded. Use File ▸ Open Model…, File ▸ Load Demo or File ▸ Open Session….</source>
        <translation>未加载模型。请使用 文件 ▸ 打开模型…、文件 ▸ 加载演示 或 文件 ▸ 打开会话…。</translation>
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
    <message>
        <source>%1[*] — calibscope</source>
        <translation>%1[*] — calibscope</translation>
    </message>
    <message>
        <source>The calibration has unsaved changes. Save them before closing?</source>
        <translation>校准有未保存的更改。关闭前要保存吗？</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>calibscope sessions (*.cscope)</source>
        <translation>calibscope 会话 (*.cscope)</translation>
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
    <message>
        <source>The language changes at the next start of calibscope.</source>
        <translation>语言将在下次启动 calibscope 时生效。</translation>
    </message>
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
    <name>cs::app::SessionController</name>
    <message>
        <source>%1: another session is still being opened</source>
        <translation>%1：另一个会话仍在打开中</translation>
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
        <source>Overlay each batch&apos;s |x| histogram, scaled to the bins of the accumulated one</source>
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
        <source>Show the point&apos;s current configuration again</source>
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
        <source>Show only the N points with the largest estimated L2 error</source>
        <translation>只显示估计 L2 误差最大的 N 个量化点</translation>
    </message>
    <message>
        <source>Worst:</source>
        <translation>最差：</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All observers</source>
        <translation>全部观察器</translation>
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
</context>
</TS>
